using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using PcfgLab.Compression.Corpora;
using PcfgLab.Compression.Tokenization;

namespace PcfgLab.Compression;

/// <summary>What <see cref="Measurements.GzipAsync"/> measures: the sources, how to read them, and the measurement's options.</summary>
public sealed record GzipRequest
{
    /// <summary>Datasets, Parquet files, JSON Lines files, text files or folders.</summary>
    public required IReadOnlyList<string> Sources { get; init; }

    /// <summary>How to read the sources (by their paths unless given).</summary>
    public CorpusFormat Format { get; init; } = CorpusFormat.Auto;

    /// <summary>Parquet column; null: <c>input_ids</c>, else <c>text</c>.</summary>
    public string? Column { get; init; }

    /// <summary>JSON Lines text field; null: <see cref="JsonLinesCorpusSource.DefaultField"/>.</summary>
    public string? Field { get; init; }

    /// <summary>Only files of folders matching these patterns.</summary>
    public IReadOnlyList<string>? Include { get; init; }

    /// <summary>Files and folders skipped.</summary>
    public IReadOnlyList<string>? Exclude { get; init; }

    /// <summary>Windows, sample, compressors, tokenizer and threads.</summary>
    public required CorpusMeasurementOptions Options { get; init; }

    /// <summary>The command line that asked, recorded in the JSON document's parameters.</summary>
    public string Command { get; init; } = string.Empty;
}

/// <summary>The result of <see cref="Measurements.GzipAsync"/>: one measurement per source, sorted by gzip median.</summary>
public sealed class GzipMeasurement
{
    internal GzipMeasurement(GzipRequest request, IReadOnlyList<CorpusMeasurement> sources)
    {
        Request = request;
        Sources = sources;
    }

    /// <summary>The request measured.</summary>
    public GzipRequest Request { get; }

    /// <summary>The sources' measurements, by ascending gzip median.</summary>
    public IReadOnlyList<CorpusMeasurement> Sources { get; }

    /// <summary>The JSON document of <c>pcfglab gzip --json</c>, in <see cref="JsonConvention"/>.</summary>
    public string ToJson() => JsonSerializer.Serialize(GzipReport.From(this), GzipJsonContext.Convention.GzipReport);
}

/// <summary>The front door of the compressibility measurements: one request in, one result out.</summary>
public static class Measurements
{
    /// <summary>Opens every source, measures each (one tokenizer for all text sources) and sorts them by gzip median.</summary>
    /// <param name="request">Sources and options.</param>
    /// <param name="logger">Receives one line per source (and its skipped windows); may be null.</param>
    /// <param name="progress">Receives increments of the fraction of all input bytes read (0 to 1 in all); may be null.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <exception cref="UserInputException">A source is missing or unreadable, or the options do not fit it.</exception>
    public static async Task<GzipMeasurement> GzipAsync(GzipRequest request, ILogger? logger = null, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = request.Options;
        if (options.SampleSize < 1)
        {
            throw new UserInputException($"--docs must be positive, got {options.SampleSize}.");
        }

        if (options.BootstrapResamples < 1)
        {
            throw new UserInputException($"--bootstrap must be positive, got {options.BootstrapResamples}.");
        }

        var opened = new List<CorpusSource>();
        foreach (var path in request.Sources)
        {
            opened.Add(await CorpusSourceFactory.OpenAsync(path, request.Format, request.Column, request.Field, request.Include, request.Exclude, cancellationToken).ConfigureAwait(false));
        }

        // One tokenizer for every text source: loading a vocabulary takes a second or two.
        var tokenizer = !options.Bytes && opened.Exists(s => !s.HasTokens) ? TokenizerFactory.Create(options.Tokenizer) : null;
        var total = Math.Max(1.0, opened.Sum(s => (double)s.TotalBytes));
        var bytesProgress = progress is null ? null : new FractionProgress(progress, total);
        var measured = new List<CorpusMeasurement>();
        foreach (var source in opened)
        {
            var result = await CorpusCompressibility.MeasureAsync(source, options, bytesProgress, cancellationToken, tokenizer).ConfigureAwait(false);
            if (logger is not null)
            {
                Log(logger, result);
            }

            measured.Add(result);
        }

        measured.Sort((a, b) => a.Gzip.Median.CompareTo(b.Gzip.Median));
        return new GzipMeasurement(request, measured);
    }

    private static void Log(ILogger logger, CorpusMeasurement result)
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

    private sealed class FractionProgress(IProgress<double> inner, double total) : IProgress<long>
    {
        public void Report(long value) => inner.Report(value / total);
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
    public static GzipReport From(GzipMeasurement measurement)
    {
        var c = CultureInfo.InvariantCulture;
        var options = measurement.Request.Options;
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
            ["command"] = measurement.Request.Command,
        };
        var sources = measurement.Sources.Select(GzipSourceReport.From).ToList();
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

[JsonSerializable(typeof(GzipReport))]
internal sealed partial class GzipJsonContext : JsonSerializerContext
{
    /// <summary>The context in <see cref="JsonConvention"/>.</summary>
    public static GzipJsonContext Convention { get; } = new(JsonConvention.Document());
}
