using PcfgLab.Sweeps;

namespace PcfgLab.Analysis;

/// <summary>Everything the report knows about one dataset: compressibility, run records and the fitted law.</summary>
/// <param name="Name">Dataset name.</param>
/// <param name="GzipMedian">Median gzip compressibility H, when known.</param>
/// <param name="GzipStandardDeviation">Standard deviation of per-document gzip ratios, when known.</param>
/// <param name="GzipSample">Per-document gzip ratios of a sample of documents, when the dataset could be read.</param>
/// <param name="Records">The dataset's run records.</param>
/// <param name="Fit">The fitted law, or null when it could not be fitted.</param>
/// <param name="FitProblem">Why there is no fit, when there is none.</param>
/// <param name="Floor">The dataset's loss floor from its manifest, when recorded.</param>
public sealed record DatasetResults(
    string Name,
    double? GzipMedian,
    double? GzipStandardDeviation,
    IReadOnlyList<double>? GzipSample,
    IReadOnlyList<TrainingRecord> Records,
    LawFit? Fit,
    string? FitProblem,
    DatasetFloorInfo? Floor = null)
{
    /// <summary>
    /// The primary fit judged by <see cref="IdentificationRules"/>: E fixed at the floor where one is recorded, free
    /// otherwise; null when it could not be made.
    /// </summary>
    public DatasetIdentification? Identification { get; init; }

    /// <summary>The free-E fit judged the same way, beside a primary fit with E at the floor (a check); null otherwise.</summary>
    public DatasetIdentification? FreeCheck { get; init; }

    /// <summary>The dataset's vocabulary V from its manifest, when recorded.</summary>
    public int? Vocabulary { get; init; }
}
