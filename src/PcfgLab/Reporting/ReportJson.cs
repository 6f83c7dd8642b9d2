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
    /// <summary>The report as one indented JSON document (<see cref="JsonConvention"/>: camelCase names, NaN as "NaN", relaxed escaping; nulls left out).</summary>
    public static string Render(ReportSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var report = summary.Report;
        var document = new ReportDocument(
            summary.MarkdownPath,
            report.Records.Count,
            report.SyntheticRecords,
            report.MissingCells?.Count,
            [.. report.Datasets.Select(d => new ReportDatasetDocument(d.Name, d.GzipMedian, d.Records.Count, d.Fit?.E, d.Fit?.A, d.Fit?.B, d.Fit?.Alpha, d.Fit?.Beta, d.Fit?.Rmse, d.FitProblem,
                d.Identification is { } id ? new ReportIdentificationDocument(id.FixedE, id.CompetingOptimum, [.. id.Estimates.Select(e => new ReportEstimateDocument(e.Name, e.Value, e.Lower, e.Upper, e.Identified, e.NotIdentified, e.FixedAtFloor ? true : null))], ReportExcessMisfitDocument.Of(id.Misfit)) : null))],
            [.. report.Trends.Select(t => new ReportTrendDocument(t.Parameter, t.Intercept, t.Slope, t.PValue, t.RSquared, t.Datasets))],
            [.. report.Predictors.Select(p => new ReportPredictorDocument(p.Parameter, p.Predictor, p.Datasets, p.Slope, p.Lower, p.Upper, p.RSquared, p.LeaveOneOutRmse, p.NotFitted))],
            [.. report.Verdicts.Select(v => new ReportVerdictDocument(v.Claim, v.Verdict, v.Evidence, v.Figures))],
            summary.Files,
            ToolInfo.Version);
        return JsonSerializer.Serialize(document, ReportJsonContext.Convention.ReportDocument);
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
    IReadOnlyList<ReportPredictorDocument> Predictors,
    IReadOnlyList<ReportVerdictDocument> Verdicts,
    IReadOnlyList<string> Figures,
    string ToolVersion);

/// <summary>One dataset of <see cref="ReportDocument"/>.</summary>
internal sealed record ReportDatasetDocument(string Name, double? H, int Runs, double? E, double? A, double? B, double? Alpha, double? Beta, double? Rmse, string? FitProblem, ReportIdentificationDocument? Identification);

/// <summary>A dataset's primary fit judged by <see cref="IdentificationRules"/> (E at the floor when <c>fixedE</c> is set).</summary>
internal sealed record ReportIdentificationDocument(double? FixedE, string? CompetingOptimum, IReadOnlyList<ReportEstimateDocument> Parameters, ReportExcessMisfitDocument? ExcessMisfit);

/// <summary>How far the fit's law misses the runs' excess over the floor (<see cref="ExcessMisfitRule"/>); no NaN is written.</summary>
internal sealed record ReportExcessMisfitDocument(int Runs, double RmsLogRatio, double TypicalMiss, int RunsAbove, double? MedianRelativeError, bool Describes, double AllowedRmsLogRatio, long WorstN, long WorstD, double WorstObserved, double WorstPredicted, int? SeedPairs, double? SeedRmsLogExcess)
{
    public static ReportExcessMisfitDocument? Of(ExcessMisfit? m) => m is null ? null
        : new(m.Runs, m.RmsLogRatio, m.TypicalMiss, m.RunsAbove, double.IsFinite(m.MedianRelativeError) ? m.MedianRelativeError : null, m.Describes, m.AllowedRmsLogRatio, m.Worst.Parameters, m.Worst.Tokens, m.Worst.Observed, m.Worst.Predicted, m.SeedSpread?.Pairs, m.SeedSpread?.RmsLogExcess);
}

/// <summary>One judged parameter.</summary>
internal sealed record ReportEstimateDocument(string Name, double Value, double? Lower, double? Upper, bool Identified, string? NotIdentified, bool? FixedAtFloor);

/// <summary>One row of the predictor table.</summary>
internal sealed record ReportPredictorDocument(string Parameter, string Predictor, int Datasets, double? Slope, double? Lower, double? Upper, double? RSquared, double? LeaveOneOutRmse, string? NotFitted);

/// <summary>One claim's verdict.</summary>
internal sealed record ReportVerdictDocument(string Claim, string Verdict, string Evidence, IReadOnlyList<string> Figures);

/// <summary>One parameter-against-H line of <see cref="ReportDocument"/>.</summary>
internal sealed record ReportTrendDocument(string Parameter, double Intercept, double Slope, double PValue, double RSquared, int Datasets);

/// <summary>Source-generated JSON of <see cref="ReportDocument"/>.</summary>
[JsonSerializable(typeof(ReportDocument))]
internal sealed partial class ReportJsonContext : JsonSerializerContext
{
    /// <summary>The context in <see cref="JsonConvention"/>, nulls left out.</summary>
    public static ReportJsonContext Convention { get; } = new(JsonConvention.Document(omitNulls: true));
}
