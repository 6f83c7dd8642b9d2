using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Serialization;
using PcfgLab.Floor;
using PcfgLab.Generation;
using PcfgLab.Storage;

namespace PcfgLab.Cli.Commands;

/// <summary><c>pcfglab floor DATASET</c>: the best loss any model can reach on a dataset, and its entropy rate.</summary>
internal static class FloorCommand
{
    public static Command Create(CliContext context)
    {
        var dataset = new Argument<string>("dataset") { Description = "Dataset folder made by 'pcfglab generate' (or its dataset.json)." };
        var docs = new Option<int>("--docs") { Description = "Documents measured (documents 0..N-1 of the dataset's stream).", DefaultValueFactory = _ => LossFloor.DefaultDocuments };
        var sentences = new Option<int>("--sentences") { Description = "Sentences of the entropy-rate estimate.", DefaultValueFactory = _ => EntropyRate.DefaultSentences };
        var threads = new Option<int>("--threads") { Description = "Worker threads (the result does not depend on it).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of a table." };
        var documents = new Option<string?>("--documents")
        {
            Description = "Measure the floor of these dataset documents instead (indices from 0, ranges inclusive: 15000-15624 or 3,10-20), read from the shards: the documents a run validated on (its record's valid_document_ranges, whose stop is exclusive).",
        };
        var command = new Command("floor", "The loss floor of a dataset (the exact ideal next-token loss, nats/token, over positions 2..L) and its entropy rate.");
        command.Arguments.Add(dataset);
        command.Options.Add(docs);
        command.Options.Add(sentences);
        command.Options.Add(threads);
        command.Options.Add(json);
        command.Options.Add(documents);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(dataset)!;
            var watch = Stopwatch.StartNew();
            if (parse.GetValue(documents) is { } ranges)
            {
                var floor = await DatasetFloor.MeasureDocumentsAsync(path, ParseDocuments(ranges), parse.GetValue(threads), cancellationToken);
                var seconds = watch.Elapsed.TotalSeconds;
                if (parse.GetValue(json))
                {
                    var measured = new DocumentFloorJson($"{ToolInfo.Name} {ToolInfo.Version}", path, ranges, floor.Documents.Count, floor.MeanNats, floor.StandardError,
                        floor.MeanNats - (1.959963984540054 * floor.StandardError), floor.MeanNats + (1.959963984540054 * floor.StandardError), Math.Round(seconds, 3));
                    context.Output.WriteLine(System.Text.Json.JsonSerializer.Serialize(measured, FloorCliJson.Relaxed.DocumentFloorJson));
                }
                else
                {
                    var table = CliTable.KeyValue();
                    table.Add(["dataset", path]);
                    table.Add(["loss floor", $"{N(floor.MeanNats)} nats/token (95% {N(floor.MeanNats - (1.959963984540054 * floor.StandardError))}-{N(floor.MeanNats + (1.959963984540054 * floor.StandardError))}), standard error {N(floor.StandardError)}"]);
                    table.Add(["  measured on", string.Create(CultureInfo.InvariantCulture, $"documents {ranges} ({floor.Documents.Count} documents, read from the shards), positions 2..L (a causal LM loss)")]);
                    table.Add(["seconds", seconds.ToString("0.00", CultureInfo.InvariantCulture)]);
                    context.Output.Write(table.ToString());
                }

                return 0;
            }

            var (manifest, summary) = DatasetFloor.Measure(path, parse.GetValue(docs), parse.GetValue(sentences), parse.GetValue(threads), cancellationToken);
            var entry = FloorEntry.From(summary, watch.Elapsed.TotalSeconds);
            if (parse.GetValue(json))
            {
                var document = new FloorJson($"{ToolInfo.Name} {ToolInfo.Version}", path, manifest.Preset ?? manifest.Spec ?? manifest.GrammarSource, manifest.Seed, manifest.DocumentLength, manifest.Gzip?.Median, entry);
                context.Output.WriteLine(System.Text.Json.JsonSerializer.Serialize(document, FloorCliJson.Relaxed.FloorJson));
            }
            else
            {
                context.Output.Write(FormatTable($"{path} ({manifest.Preset ?? manifest.Spec ?? manifest.GrammarSource}, seed {manifest.Seed}, {manifest.DocumentLength}-token documents)", summary, manifest.Gzip?.Median));
            }

            return 0;
        });
        return command;
    }

    /// <summary>Document indices from "15000-15624" or "3,10-20" (ranges inclusive); a malformed list is a user error.</summary>
    internal static IEnumerable<long> ParseDocuments(string text)
    {
        var result = new List<long>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var firstText = dash < 0 ? part : part[..dash];
            var lastText = dash < 0 ? part : part[(dash + 1)..];
            var ok = long.TryParse(firstText, NumberStyles.None, CultureInfo.InvariantCulture, out var first);
            ok &= long.TryParse(lastText, NumberStyles.None, CultureInfo.InvariantCulture, out var last);
            if (!ok || last < first || last - first >= LossFloor.MaxDocuments)
            {
                throw new UserInputException($"--documents '{text}': '{part}' is not a document index or an ascending range FIRST-LAST of at most {LossFloor.MaxDocuments} (for example 15000-15624 or 3,10-20).");
            }

            for (var d = first; d <= last; d++)
            {
                result.Add(d);
            }

            if (result.Count > LossFloor.MaxDocuments)
            {
                throw new UserInputException($"--documents '{text}' names more than {LossFloor.MaxDocuments} documents: measure fewer.");
            }
        }

        return result;
    }

    /// <summary>The floor and entropy rate as aligned lines (also used by <c>grammar info</c>).</summary>
    internal static string FormatTable(string source, FloorSummary summary, double? gzipMedian)
    {
        var rows = new List<(string, string)>();
        if (source.Length > 0)
        {
            rows.Add(("dataset", source));
        }

        if (summary.Document is { } d)
        {
            rows.Add(("loss floor", $"{N(d.MeanNats)} nats/token (95% {N(d.Lower95)}-{N(d.Upper95)}), {N(summary.DocumentBits)} bits/token, {N(summary.DocumentOverLogVocabulary)} of ln V"));
            rows.Add(("  measured on", $"documents 0..{d.Documents - 1}, positions 2..{d.DocumentLength} (a causal LM loss); first token {N(d.FirstTokenNats)} nats"));
        }

        var r = summary.Rate;
        rows.Add(("entropy rate h", $"{N(r.RateNats)} nats/token (95% {N(r.RateLower95)}-{N(r.RateUpper95)}), {N(summary.RateBits)} bits/token, {N(summary.RateOverLogVocabulary)} of ln V"));
        rows.Add(("  H(S) / (E|S| + 1)", $"{N(r.SentenceEntropyNats)} nats / {N(r.ExpectedSentenceLength + 1)} tokens ({r.Sentences} sentences, mean length {N(r.MeanSampledLength)})"));
        rows.Add(("  derivation bound", $"{N(r.DerivationRateNats)} nats/token (derivation entropy; equal to h when the grammar is unambiguous)"));
        if (summary.Document is not null)
        {
            rows.Add(("gap floor - h", $"{N(summary.GapNats)} nats/token (document edges: the cut last sentence and the unpredicted first token)"));
        }

        rows.Add(("vocabulary V", $"{summary.Vocabulary} tokens (terminals used + separator), ln V = {N(summary.LogVocabulary)}"));
        if (gzipMedian is { } gzip)
        {
            rows.Add(("gzip median", N(gzip)));
        }

        var table = CliTable.KeyValue();
        foreach (var (key, value) in rows)
        {
            table.Add([key, value]);
        }

        return table.ToString();
    }

    private static string N(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}

/// <summary>What <c>pcfglab floor --json</c> prints.</summary>
/// <param name="Tool">Tool name and version.</param>
/// <param name="Dataset">The dataset folder given.</param>
/// <param name="Grammar">Preset, spec or grammar file of the dataset.</param>
/// <param name="Seed">Dataset seed.</param>
/// <param name="DocumentLength">Tokens per document.</param>
/// <param name="GzipMedian">The manifest's gzip median, when it has one.</param>
/// <param name="Floor">The floor and entropy rate.</param>
internal sealed record FloorJson(string Tool, string Dataset, string Grammar, long Seed, int DocumentLength, double? GzipMedian, FloorEntry Floor);

/// <summary>What <c>pcfglab floor --documents ... --json</c> prints.</summary>
/// <param name="Tool">Tool name and version.</param>
/// <param name="Dataset">The dataset folder given.</param>
/// <param name="Documents">The document indices as given.</param>
/// <param name="Count">Documents measured.</param>
/// <param name="Nats">The floor of those documents, nats per token (mean of each document's).</param>
/// <param name="StandardError">Its standard error over the documents.</param>
/// <param name="Lower95">Lower end of the 95% interval.</param>
/// <param name="Upper95">Upper end of the 95% interval.</param>
/// <param name="Seconds">Seconds taken, reading included.</param>
internal sealed record DocumentFloorJson(string Tool, string Dataset, string Documents, int Count, double Nats, double StandardError, double Lower95, double Upper95, double Seconds);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(FloorJson))]
[JsonSerializable(typeof(DocumentFloorJson))]
internal sealed partial class FloorCliJson : JsonSerializerContext
{
    /// <summary>Relaxed escaping, so that versions read 0.1.0+abc.</summary>
    public static FloorCliJson Relaxed { get; } = new(CliJsonOptions.Relaxed());
}
