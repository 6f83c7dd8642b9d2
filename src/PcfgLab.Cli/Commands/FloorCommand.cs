using System.CommandLine;
using System.Globalization;
using PcfgLab.Floor;
using PcfgLab.Generation;

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
            var request = new FloorRequest { Dataset = parse.GetValue(dataset)!, Documents = parse.GetValue(docs), Sentences = parse.GetValue(sentences), Threads = parse.GetValue(threads), DocumentRanges = parse.GetValue(documents) };
            var measured = await DatasetFloor.MeasureAsync(request, cancellationToken).ConfigureAwait(false);
            context.Output.Write(parse.GetValue(json) ? measured.ToJson() + context.Output.NewLine : FormatTable(measured));
            return 0;
        });
        return command;
    }

    private static string FormatTable(FloorMeasurement measured)
    {
        if (measured.DocumentFloor is not { } floor)
        {
            var m = measured.Manifest!;
            return FormatTable($"{measured.Request.Dataset} ({measured.Grammar}, seed {m.Seed}, {m.DocumentLength}-token documents)", measured.Summary!, m.Gzip?.Median);
        }

        var table = CliTable.KeyValue();
        table.Add(["dataset", measured.Request.Dataset]);
        table.Add(["loss floor", $"{N(floor.MeanNats)} nats/token (95% {N(measured.DocumentLower95)}-{N(measured.DocumentUpper95)}), standard error {N(floor.StandardError)}"]);
        table.Add(["  measured on", string.Create(CultureInfo.InvariantCulture, $"documents {measured.Request.DocumentRanges} ({floor.Documents.Count} documents, read from the shards), positions 2..L (a causal LM loss)")]);
        table.Add(["seconds", measured.Seconds.ToString("0.00", CultureInfo.InvariantCulture)]);
        return table.ToString();
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
