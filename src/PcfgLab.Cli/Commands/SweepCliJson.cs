using System.Text.Json.Serialization;

namespace PcfgLab.Cli.Commands;

/// <summary>Source-generated JSON for the commands' <c>--json</c> output.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PlanSummary))]
[JsonSerializable(typeof(PcfgLab.Storage.ExportEntry))]
[JsonSerializable(typeof(ReportJson))]
internal sealed partial class SweepCliJson : JsonSerializerContext;

/// <summary>The <c>--json</c> summary of <c>sweep report</c>.</summary>
internal sealed record ReportJson(
    string Report,
    int Records,
    int SyntheticRecords,
    int? MissingCells,
    IReadOnlyList<ReportDatasetJson> Datasets,
    IReadOnlyList<ReportTrendJson> Trends,
    IReadOnlyList<string> Figures,
    string ToolVersion);

/// <summary>One dataset of <see cref="ReportJson"/>.</summary>
internal sealed record ReportDatasetJson(string Name, double? H, int Runs, double? E, double? A, double? B, double? Alpha, double? Beta, double? Rmse, string? FitProblem);

/// <summary>One parameter-against-H line of <see cref="ReportJson"/>.</summary>
internal sealed record ReportTrendJson(string Parameter, double Intercept, double Slope, double PValue, double RSquared, int Datasets);
