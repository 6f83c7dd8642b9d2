using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using PcfgLab.Floor;
using PcfgLab.Storage;

namespace PcfgLab.Generation;

/// <summary>What <see cref="DatasetFloor.MeasureAsync(FloorRequest, CancellationToken)"/> measures.</summary>
public sealed record FloorRequest
{
    /// <summary>The dataset folder (or its dataset.json).</summary>
    public required string Dataset { get; init; }

    /// <summary>Documents 0..N-1 of the document-level floor (ignored with <see cref="DocumentRanges"/>).</summary>
    public int Documents { get; init; } = LossFloor.DefaultDocuments;

    /// <summary>Sentences of the entropy-rate estimate.</summary>
    public int Sentences { get; init; } = EntropyRate.DefaultSentences;

    /// <summary>Worker threads; the result does not depend on them.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// Measure these dataset documents instead, read from the shards: indices from 0, ranges inclusive ("15000-15624"
    /// or "3,10-20"); null for documents 0..N-1 sampled again.
    /// </summary>
    public string? DocumentRanges { get; init; }
}

/// <summary>The result of <see cref="DatasetFloor.MeasureAsync(FloorRequest, CancellationToken)"/>: the floor of a dataset's documents, with its entropy rate when sampled again.</summary>
public sealed class FloorMeasurement
{
    private const double Z95 = 1.959963984540054;

    internal FloorMeasurement(FloorRequest request, DatasetManifest? manifest, FloorSummary? summary, DocumentFloor? documents, double seconds)
    {
        Request = request;
        Manifest = manifest;
        Summary = summary;
        DocumentFloor = documents;
        Seconds = seconds;
    }

    /// <summary>The request measured.</summary>
    public FloorRequest Request { get; }

    /// <summary>The dataset's manifest (null with <see cref="FloorRequest.DocumentRanges"/>).</summary>
    public DatasetManifest? Manifest { get; }

    /// <summary>Floor and entropy rate of documents 0..N-1 sampled again (null with <see cref="FloorRequest.DocumentRanges"/>).</summary>
    public FloorSummary? Summary { get; }

    /// <summary>The floor of the named documents (only with <see cref="FloorRequest.DocumentRanges"/>).</summary>
    public DocumentFloor? DocumentFloor { get; }

    /// <summary>Seconds taken, reading included.</summary>
    public double Seconds { get; }

    /// <summary>Lower end of the named documents' 95% interval.</summary>
    public double DocumentLower95 => DocumentFloor is { } f ? f.MeanNats - (Z95 * f.StandardError) : double.NaN;

    /// <summary>Upper end of the named documents' 95% interval.</summary>
    public double DocumentUpper95 => DocumentFloor is { } f ? f.MeanNats + (Z95 * f.StandardError) : double.NaN;

    /// <summary>The grammar of the dataset as its manifest names it: preset, spec or grammar file.</summary>
    public string Grammar => Manifest is { } m ? m.Preset ?? m.Spec ?? m.GrammarSource : string.Empty;

    /// <summary>The JSON document of <c>pcfglab floor --json</c>, in <see cref="JsonConvention"/>.</summary>
    public string ToJson()
    {
        var tool = $"{ToolInfo.Name} {ToolInfo.Version}";
        if (DocumentFloor is { } floor)
        {
            var measured = new DocumentFloorJson(tool, Request.Dataset, Request.DocumentRanges!, floor.Documents.Count, floor.MeanNats, floor.StandardError,
                DocumentLower95, DocumentUpper95, Math.Round(Seconds, 3));
            return JsonSerializer.Serialize(measured, FloorJsonContext.Convention.DocumentFloorJson);
        }

        var m = Manifest!;
        var document = new FloorJson(tool, Request.Dataset, Grammar, m.Seed, m.DocumentLength, m.Gzip?.Median, FloorEntry.From(Summary!, Seconds));
        return JsonSerializer.Serialize(document, FloorJsonContext.Convention.FloorJson);
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

    /// <summary>Measures as <paramref name="request"/> asks (the work of <see cref="DatasetFloor.MeasureAsync(FloorRequest, CancellationToken)"/>).</summary>
    internal static async Task<FloorMeasurement> MeasureAsync(FloorRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var watch = Stopwatch.StartNew();
        if (request.DocumentRanges is { } ranges)
        {
            var floor = await DatasetFloor.MeasureDocumentsAsync(request.Dataset, ParseDocuments(ranges), request.Threads, cancellationToken).ConfigureAwait(false);
            return new FloorMeasurement(request, null, null, floor, watch.Elapsed.TotalSeconds);
        }

        var (manifest, summary) = DatasetFloor.Measure(request.Dataset, request.Documents, request.Sentences, request.Threads, cancellationToken);
        return new FloorMeasurement(request, manifest, summary, null, watch.Elapsed.TotalSeconds);
    }
}

/// <summary>What <c>pcfglab floor --json</c> prints.</summary>
/// <param name="Tool">Tool name and version.</param>
/// <param name="Dataset">The dataset folder given.</param>
/// <param name="Grammar">Preset, spec or grammar file of the dataset.</param>
/// <param name="Seed">Dataset seed.</param>
/// <param name="DocumentLength">Tokens per document.</param>
/// <param name="GzipMedian">The manifest's gzip median, when it has one.</param>
/// <param name="Floor">The floor and entropy rate.</param>
internal sealed record FloorJson(string Tool, string Dataset, string Grammar, Seed Seed, int DocumentLength, double? GzipMedian, FloorEntry Floor);

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

[JsonSerializable(typeof(FloorJson))]
[JsonSerializable(typeof(DocumentFloorJson))]
internal sealed partial class FloorJsonContext : JsonSerializerContext
{
    /// <summary>The context in <see cref="JsonConvention"/>.</summary>
    public static FloorJsonContext Convention { get; } = new(JsonConvention.Document());
}
