using System.CommandLine;
using System.Globalization;
using PcfgLab.Compression;
using PcfgLab.Compression.Corpora;

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
            var corpusFormat = parse.GetValue(format) switch
            {
                "text" => CorpusFormat.Text,
                "jsonl" => CorpusFormat.JsonLines,
                "parquet" => CorpusFormat.Parquet,
                _ => CorpusFormat.Auto,
            };
            var request = new GzipRequest
            {
                Sources = parse.GetValue(sources)!, Format = corpusFormat, Column = parse.GetValue(column), Field = parse.GetValue(field),
                Include = parse.GetValue(include), Exclude = parse.GetValue(exclude), Options = options,
                Command = string.Join(" ", parse.Tokens.Select(t => t.Value)),
            };
            var measured = await context.WithProgressAsync("gzip: reading", 1, progress =>
                Measurements.GzipAsync(request, context.CreateLogger("gzip"), progress, cancellationToken)).ConfigureAwait(false);
            await (parse.GetValue(json) ? context.Output.WriteLineAsync(measured.ToJson()) : context.Output.WriteAsync(FormatTable(measured.Sources))).ConfigureAwait(false);
            return 0;
        });
        return command;
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
}
