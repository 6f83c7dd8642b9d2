using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using PcfgLab.Compression;
using PcfgLab.Compression.Corpora;
using PcfgLab.Compression.Tokenization;

namespace PcfgLab.Cli.Commands;

/// <summary>
/// <c>pcfglab gzip SOURCE...</c>: the study's gzip compressibility of datasets this tool wrote, Parquet files with
/// token or text columns, JSON Lines and folders of text, with other compressors beside it, in one table.
/// </summary>
internal static class GzipCommand
{
    public static Command Create(CliContext context)
    {
        var sources = new Argument<string[]>("sources") { Description = "Datasets, Parquet files, .jsonl files, text files or folders.", Arity = ArgumentArity.OneOrMore };
        var documents = new Option<int>("--docs") { Description = "Windows (documents) in the seeded uniform sample.", DefaultValueFactory = _ => CorpusMeasurementOptions.DefaultSampleSize };
        var all = new Option<bool>("--all") { Description = "Measure every window instead of a sample." };
        var seed = new Option<ulong>("--seed", "-s") { Description = "Seed of the sample and the bootstrap (the default gives a dataset's dataset.json numbers).", DefaultValueFactory = _ => GzipSample.DefaultSeed };
        var column = new Option<string?>("--column") { Description = "Parquet column: integer lists (token ids) or strings (default input_ids, else text)." };
        var field = new Option<string>("--field") { Description = "JSON Lines text field.", DefaultValueFactory = _ => JsonLinesCorpusSource.DefaultField };
        var format = new Option<string>("--format") { Description = "auto, text, jsonl or parquet.", DefaultValueFactory = _ => "auto" };
        format.AcceptOnlyFromAmong("auto", "text", "jsonl", "parquet");
        var include = new Option<string[]>("--include") { Description = "Only files matching this pattern, e.g. '*.py' (repeatable; '**' crosses folders)." };
        var exclude = new Option<string[]>("--exclude") { Description = "Skip files and folders matching this pattern (repeatable)." };
        var tokenizer = new Option<string>("--tokenizer") { Description = "Tokenizer for text: cl100k, o200k, a tokenizer.json (BPE) or a SentencePiece .model.", DefaultValueFactory = _ => "cl100k" };
        var documentLength = new Option<int?>("--doc-len") { Description = "Window length: tokens (default 256), or bytes with --bytes (default 1024). Dataset rows are measured whole unless given." };
        var bytes = new Option<bool>("--bytes") { Description = "Measure raw UTF-8 bytes of text instead of tokens (the study's raw-string variant)." };
        var compressors = new Option<string[]>("--compressors") { Description = "More compressors beside gzip9, comma-separated: gzip0..gzip9, brotli[0-11], zstd[1-22]." };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples for the median's 95% interval.", DefaultValueFactory = _ => BootstrapInterval.DefaultResamples };
        var json = new Option<bool>("--json") { Description = "Print one JSON document." };
        var threads = new Option<int>("--threads") { Description = "Threads that tokenise text (the numbers do not depend on it).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var deflate = DialCommandOptions.CreateDeflateOption();
        var command = new Command("gzip", "Gzip compressibility (level 9, tokens as 4-byte big-endian ints, the study's measure) of datasets and real corpora: median with a bootstrap 95% interval, spread, other compressors, throughput.");
        command.Arguments.Add(sources);
        foreach (var option in new Option[] { documents, all, seed, column, field, format, include, exclude, tokenizer, documentLength, bytes, compressors, bootstrap, threads, deflate, json })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new CorpusMeasurementOptions
            {
                SampleSize = parse.GetValue(documents),
                All = parse.GetValue(all),
                Seed = parse.GetValue(seed),
                Tokenizer = parse.GetValue(tokenizer)!,
                WindowLength = parse.GetValue(documentLength),
                Bytes = parse.GetValue(bytes),
                Compressors = parse.GetValue(compressors) ?? [],
                BootstrapResamples = parse.GetValue(bootstrap),
                Deflate = DeflateImplementations.Parse(parse.GetValue(deflate)!),
                Threads = GenerateCommand.UsefulThreads(parse.GetValue(threads), context),
            };
            if (options.SampleSize < 1)
            {
                throw new UserInputException($"--docs must be positive, got {options.SampleSize}.");
            }

            if (options.BootstrapResamples < 1)
            {
                throw new UserInputException($"--bootstrap must be positive, got {options.BootstrapResamples}.");
            }

            var corpusFormat = parse.GetValue(format) switch
            {
                "text" => CorpusFormat.Text,
                "jsonl" => CorpusFormat.JsonLines,
                "parquet" => CorpusFormat.Parquet,
                _ => CorpusFormat.Auto,
            };
            var opened = new List<CorpusSource>();
            foreach (var path in parse.GetValue(sources)!)
            {
                opened.Add(await CorpusSourceFactory.OpenAsync(path, corpusFormat, parse.GetValue(column), parse.GetValue(field), parse.GetValue(include), parse.GetValue(exclude), cancellationToken).ConfigureAwait(false));
            }

            var logger = context.CreateLogger("gzip");

            // One tokenizer for every text source: loading a vocabulary takes a second or two.
            var tokenizerInstance = !options.Bytes && opened.Exists(s => !s.HasTokens) ? TokenizerFactory.Create(options.Tokenizer) : null;
            var total = opened.Sum(s => (double)s.TotalBytes);
            var results = await context.WithProgressAsync("gzip: reading", total, async progress =>
            {
                var bytesProgress = new BytesProgress(progress);
                var measured = new List<CorpusMeasurement>();
                foreach (var source in opened)
                {
                    var result = await CorpusCompressibility.MeasureAsync(source, options, bytesProgress, cancellationToken, tokenizerInstance).ConfigureAwait(false);
                    LogResult(logger, result);
                    measured.Add(result);
                }

                return measured;
            }).ConfigureAwait(false);

            results.Sort((a, b) => a.Gzip.Median.CompareTo(b.Gzip.Median));
            if (parse.GetValue(json))
            {
                await context.Output.WriteLineAsync(JsonSerializer.Serialize(GzipReport.From(results, options, parse), GzipJsonContext.Relaxed.GzipReport)).ConfigureAwait(false);
            }
            else
            {
                await context.Output.WriteAsync(FormatTable(results)).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    private static void LogResult(ILogger logger, CorpusMeasurement result)
    {
        logger.LogInformation(
            "{Source}: {Windows} windows from {Documents} documents, {Megabytes:0.0} MB in {Seconds:0.00} s ({Speed:0.0} MB/s, {TokenSpeed:0} tokens/s)",
            result.Source, result.Counts.WindowsSeen, result.Counts.Documents, result.Counts.BytesRead / 1e6, result.Seconds, result.MegabytesPerSecond, result.TokensPerSecond);
        if (result.Counts.Skipped.Count > 0)
        {
            var reasons = string.Join(", ", result.Counts.Skipped.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Value} {kv.Key}")));
            logger.LogWarning("{Source}: skipped {Reasons} (for example {Examples})", result.Source, reasons, string.Join("; ", result.Counts.SkippedExamples));
        }
    }

    internal static string FormatTable(IReadOnlyList<CorpusMeasurement> results)
    {
        var c = CultureInfo.InvariantCulture;
        var others = results.SelectMany(r => r.Compressors.Keys).Where(k => k != "gzip9").Distinct().ToList();
        var header = new List<string> { "source", "kind", "windows", "measured", "median", "95% CI", "stdev", "mean", "p05", "p95" };
        header.AddRange(others.Select(o => o + " median"));
        header.AddRange(["skipped", "MB/s", "tokens/s"]);
        var table = new CliTable(header, [0, 1]);
        foreach (var r in results)
        {
            var unit = r.Unit == "bytes" ? $"{r.WindowLength} bytes" : r.WindowLength is { } w ? string.Create(c, $"{w} {r.Tokenizer ?? "tokens"}") : "rows";
            var row = new List<string>
            {
                r.Source,
                $"{r.Description}, {unit}",
                r.Counts.WindowsSeen.ToString(c),
                r.Counts.WindowsMeasured.ToString(c),
                r.Gzip.Median.ToString("0.0000", c),
                string.Create(c, $"{r.MedianInterval.Low:0.0000}-{r.MedianInterval.High:0.0000}"),
                r.Gzip.StandardDeviation.ToString("0.0000", c),
                r.Gzip.Mean.ToString("0.0000", c),
                r.Gzip.P05.ToString("0.0000", c),
                r.Gzip.P95.ToString("0.0000", c),
            };
            row.AddRange(others.Select(o => r.Compressors.TryGetValue(o, out var s) ? s.Median.ToString("0.0000", c) : "-"));
            row.Add(r.Counts.Skipped.Values.Sum().ToString(c));
            row.Add(r.MegabytesPerSecond.ToString("0.0", c));
            row.Add(r.TokensPerSecond.ToString("0", c));
            table.Add(row);
        }

        return table.ToString();
    }

    private sealed class BytesProgress(IProgress<double> inner) : IProgress<long>
    {
        public void Report(long value) => inner.Report(value);
    }
}

/// <summary>The JSON document of <c>pcfglab gzip --json</c>: one entry per source, sorted by median; with one source its headline numbers also sit at the top level.</summary>
internal sealed record GzipReport(
    string Tool,
    string Version,
    string Deflate,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<GzipSourceReport> Sources,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Median,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Stdev,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Mean,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? P05,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? P95,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Count,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Documents)
{
    public static GzipReport From(IReadOnlyList<CorpusMeasurement> results, CorpusMeasurementOptions options, ParseResult parse)
    {
        var c = CultureInfo.InvariantCulture;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["docs"] = options.SampleSize.ToString(c),
            ["all"] = options.All ? "true" : "false",
            ["seed"] = options.Seed.ToString(c),
            ["tokenizer"] = options.Tokenizer,
            ["doc-len"] = options.WindowLength?.ToString(c) ?? "default",
            ["bytes"] = options.Bytes ? "true" : "false",
            ["compressors"] = string.Join(",", options.Compressors),
            ["bootstrap"] = options.BootstrapResamples.ToString(c),
            ["deflate"] = options.Deflate.Name(),
            ["command"] = string.Join(" ", parse.Tokens.Select(t => t.Value)),
        };
        var sources = results.Select(GzipSourceReport.From).ToList();
        var one = sources.Count == 1 ? sources[0] : null;
        return new GzipReport(ToolInfo.Name, ToolInfo.Version, options.Deflate.Name(), parameters, sources, one?.Median, one?.Stdev, one?.Mean, one?.P05, one?.P95, one?.Count, one?.Documents);
    }
}

/// <summary>One source of <see cref="GzipReport"/>.</summary>
internal sealed record GzipSourceReport(
    string Source,
    string Kind,
    string Unit,
    string? Tokenizer,
    int? DocLen,
    double Median,
    double MedianCiLow,
    double MedianCiHigh,
    int BootstrapResamples,
    double Stdev,
    double Mean,
    double P05,
    double P95,
    double Min,
    double Max,
    int Count,
    long Windows,
    long Documents,
    long BytesRead,
    long Tokens,
    double Seconds,
    double MegabytesPerSecond,
    double TokensPerSecond,
    IReadOnlyDictionary<string, CompressorReport> Compressors,
    IReadOnlyDictionary<string, long> Skipped)
{
    public static GzipSourceReport From(CorpusMeasurement r) => new(
        r.Source,
        r.Description,
        r.Unit,
        r.Tokenizer,
        r.WindowLength,
        r.Gzip.Median,
        r.MedianInterval.Low,
        r.MedianInterval.High,
        r.MedianInterval.Resamples,
        r.Gzip.StandardDeviation,
        r.Gzip.Mean,
        r.Gzip.P05,
        r.Gzip.P95,
        r.Gzip.Min,
        r.Gzip.Max,
        r.Counts.WindowsMeasured,
        r.Counts.WindowsSeen,
        r.Counts.Documents,
        r.Counts.BytesRead,
        r.Counts.Tokens,
        r.Seconds,
        r.MegabytesPerSecond,
        r.TokensPerSecond,
        r.Compressors.ToDictionary(kv => kv.Key, kv => new CompressorReport(kv.Value.Median, kv.Value.Mean, kv.Value.StandardDeviation, kv.Value.P05, kv.Value.P95), StringComparer.Ordinal),
        r.Counts.Skipped);
}

/// <summary>One compressor's numbers in <see cref="GzipSourceReport"/>.</summary>
internal sealed record CompressorReport(double Median, double Mean, double Stdev, double P05, double P95);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(GzipReport))]
internal sealed partial class GzipJsonContext : JsonSerializerContext
{
    /// <summary>The same options with relaxed escaping, so versions read "0.1.0+abc", not "0.1.0\u002Babc".</summary>
    public static GzipJsonContext Relaxed { get; } = new(CliJsonOptions.Relaxed());
}
