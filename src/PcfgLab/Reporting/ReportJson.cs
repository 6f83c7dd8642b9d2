using System.Text.Json;
using System.Text.Json.Serialization;
using PcfgLab.Analysis;

namespace PcfgLab.Reporting;

/// <summary>
/// The JSON renderer of a written report (<c>pcfglab sweep report --json</c>): the report's path, the record counts,
/// each dataset's H and fit, the parameters' lines on H and the figure files. Source-generated (no reflection).
/// </summary>
public static class ReportJson
{
    /// <summary>The report as one indented JSON document (camelCase names, nulls left out, NaN as "NaN").</summary>
    public static string Render(ReportSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var report = summary.Report;
        var document = new ReportDocument(
            summary.MarkdownPath,
            report.Records.Count,
            report.SyntheticRecords,
            report.MissingCells?.Count,
            [.. report.Datasets.Select(d => new ReportDatasetDocument(d.Name, d.GzipMedian, d.Records.Count, d.Fit?.E, d.Fit?.A, d.Fit?.B, d.Fit?.Alpha, d.Fit?.Beta, d.Fit?.Rmse, d.FitProblem))],
            [.. report.Trends.Select(t => new ReportTrendDocument(t.Parameter, t.Intercept, t.Slope, t.PValue, t.RSquared, t.Datasets))],
            summary.Files,
            ToolInfo.Version);
        return JsonSerializer.Serialize(document, ReportJsonContext.Default.ReportDocument);
    }
}

/// <summary>The <c>--json</c> document of <c>sweep report</c>.</summary>
internal sealed record ReportDocument(
    string Report,
    int Records,
    int SyntheticRecords,
    int? MissingCells,
    IReadOnlyList<ReportDatasetDocument> Datasets,
    IReadOnlyList<ReportTrendDocument> Trends,
    IReadOnlyList<string> Figures,
    string ToolVersion);

/// <summary>One dataset of <see cref="ReportDocument"/>.</summary>
internal sealed record ReportDatasetDocument(string Name, double? H, int Runs, double? E, double? A, double? B, double? Alpha, double? Beta, double? Rmse, string? FitProblem);

/// <summary>One parameter-against-H line of <see cref="ReportDocument"/>.</summary>
internal sealed record ReportTrendDocument(string Parameter, double Intercept, double Slope, double PValue, double RSquared, int Datasets);

/// <summary>Source-generated JSON of <see cref="ReportDocument"/>.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ReportDocument))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
