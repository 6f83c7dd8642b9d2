using System.Globalization;
using System.Text.Json.Serialization;

namespace PcfgLab.Sweeps;

/// <summary>
/// One training cell of a sweep plan: one line of <c>plan.jsonl</c>. Field names are snake_case so that the
/// Python trainer reads them as they are.
/// </summary>
public sealed record PlanCell
{
    /// <summary>Zero-based line number of the cell in its plan file (what <c>--cell K</c> selects).</summary>
    [JsonPropertyName("index")]
    public int Index { get; init; }

    /// <summary>Stable identifier: dataset, shape, tokens and seed (for example <c>gzipscale-0.11__h64-i128-l2-a1__D100000__s0</c>).</summary>
    [JsonPropertyName("cell_id")]
    public required string CellId { get; init; }

    /// <summary>Dataset name.</summary>
    [JsonPropertyName("dataset")]
    public required string Dataset { get; init; }

    /// <summary>Dataset folder; a relative path is relative to the plan file's folder.</summary>
    [JsonPropertyName("dataset_path")]
    public required string DatasetPath { get; init; }

    /// <summary>Median gzip compressibility of the dataset (from its manifest), or null when unknown.</summary>
    [JsonPropertyName("H")]
    public double? GzipMedian { get; init; }

    /// <summary>Training tokens D (the first D tokens of the training split).</summary>
    [JsonPropertyName("D")]
    public long Tokens { get; init; }

    /// <summary>Model shape.</summary>
    [JsonPropertyName("shape")]
    public required LlamaShape Shape { get; init; }

    /// <summary>Vocabulary size of the model.</summary>
    [JsonPropertyName("vocabulary")]
    public int Vocabulary { get; init; }

    /// <summary>Exact parameter count N of the model.</summary>
    [JsonPropertyName("N")]
    public long Parameters { get; init; }

    /// <summary>Training compute C = 6 N D in FLOPs.</summary>
    [JsonPropertyName("C")]
    public double Compute { get; init; }

    /// <summary>Training seed (model initialisation and data order).</summary>
    [JsonPropertyName("seed")]
    public int Seed { get; init; }

    /// <summary>Optimiser and data settings.</summary>
    [JsonPropertyName("training")]
    public required TrainingSettings Training { get; init; }

    /// <summary>Version of the tool that wrote the plan.</summary>
    [JsonPropertyName("tool_version")]
    public string ToolVersion { get; init; } = ToolInfo.Version;

    /// <summary>Builds the cell identifier from its parts.</summary>
    public static string MakeId(string dataset, LlamaShape shape, long tokens, int seed) =>
        string.Create(CultureInfo.InvariantCulture, $"{dataset}__{shape.Label}__D{tokens}__s{seed}");

    /// <summary>What a learning-rate scan cell's identifier adds to the grid cell's: <c>__lr</c> and its rate.</summary>
    public const string LearningRateScanMarker = "__lr";

    /// <summary>
    /// The identifier of a learning-rate scan cell: the grid cell's <paramref name="gridId"/>, <c>__lr</c> and the
    /// rate to three significant digits (for example <c>..._s0__lr0.253</c>).
    /// </summary>
    public static string MakeScanId(string gridId, double learningRate) =>
        string.Create(CultureInfo.InvariantCulture, $"{gridId}{LearningRateScanMarker}{learningRate:G3}");

    /// <summary>True when <paramref name="cellId"/> names a learning-rate scan cell (off the grid's rule: fits leave it out).</summary>
    public static bool IsLearningRateScan(string cellId)
    {
        ArgumentNullException.ThrowIfNull(cellId);

        // The marker is the last part of the identifier (a grid cell's last part is its seed, s0), so a dataset whose
        // name holds "__lr" is not taken for a scan.
        var last = cellId.LastIndexOf("__", StringComparison.Ordinal);
        return last >= 0 && cellId.AsSpan(last).StartsWith(LearningRateScanMarker, StringComparison.Ordinal);
    }

    /// <summary>Resolves <see cref="DatasetPath"/> against the folder of the plan file <paramref name="planPath"/>.</summary>
    public string ResolveDatasetPath(string planPath) =>
        Path.IsPathRooted(DatasetPath)
            ? DatasetPath
            : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(planPath))!, DatasetPath));
}
