using PcfgLab.Floor;
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
/// <param name="ValidationFloor">The floor of each document its runs were validated on (the union of the records'
/// <see cref="TrainingRecord.ValidDocumentIndices"/>), when any record names them and the dataset could be read.</param>
public sealed record DatasetResults(
    string Name,
    double? GzipMedian,
    double? GzipStandardDeviation,
    IReadOnlyList<double>? GzipSample,
    IReadOnlyList<TrainingRecord> Records,
    LawFit? Fit,
    string? FitProblem,
    DatasetFloorInfo? Floor = null,
    DocumentFloor? ValidationFloor = null)
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

    /// <summary>SHA-256 of the dataset's grammar from its manifest, when recorded: datasets of one grammar count once in a regression.</summary>
    public string? GrammarSha256 { get; init; }

    /// <summary>
    /// <paramref name="run"/>'s excess over the floor of exactly its validation documents, paired document by document
    /// (<see cref="PairedFloor.Excess"/>), or null when the record does not name its documents (older records) or
    /// <see cref="ValidationFloor"/> lacks one of them: then only the unpaired comparison with <see cref="Floor"/> is left.
    /// </summary>
    public PairedExcess? PairedExcessOf(TrainingRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (ValidationFloor is not { } floor || run.ValidDocumentIndices() is not { } indices || run.ValidDocumentLosses is not { } losses)
        {
            return null;
        }

        var floorLosses = new double[indices.Count];
        for (var i = 0; i < indices.Count; i++)
        {
            if (!floor.TryGetLoss(indices[i], out floorLosses[i]))
            {
                return null;
            }
        }

        var excess = PairedFloor.Excess(losses, floorLosses);
        return excess.Documents > 0 ? excess : null;
    }
}
