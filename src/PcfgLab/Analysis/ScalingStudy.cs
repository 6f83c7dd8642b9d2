using PcfgLab.Scaling;
using PcfgLab.Sweeps;

namespace PcfgLab.Analysis;

/// <summary>
/// The one analysis path, fit → regress → data-dependent law, shared by <c>fit</c>, <c>regress</c>, <c>predict</c>
/// (through the documents they save) and <c>sweep report</c>: each dataset's runs are fitted by
/// <see cref="ScalingFitPipeline.FitDataset"/>, each dataset's H follows <see cref="DatasetCompressibility.Choose"/>, and
/// the parameters are regressed on H by <see cref="CompressibilityRegression.Fit"/>. Renderers (the report's Markdown,
/// JSON and figures; the CLI's tables) only present what these return.
/// </summary>
public static class ScalingStudy
{
    /// <summary>
    /// The fit points of a dataset's training records: N, D, the final validation loss, H as recorded, C = 6ND, in one
    /// canonical order (N, then D, then cell id), whatever order the trainers appended them in: the bootstrap draws
    /// runs by position, so file order would otherwise change the intervals (cells trained in parallel finish in any
    /// order).
    /// </summary>
    public static IReadOnlyList<FitRun> FitRuns(string dataset, IReadOnlyList<TrainingRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var ordered = new TrainingRecord[records.Count];
        for (var i = 0; i < ordered.Length; i++)
        {
            ordered[i] = records[i];
        }

        Array.Sort(ordered, CompareCanonically);
        var runs = new FitRun[ordered.Length];
        for (var i = 0; i < runs.Length; i++)
        {
            var r = ordered[i];
            runs[i] = new FitRun(dataset, r.Parameters, r.Tokens, r.FinalValidLoss, r.GzipMedian, 6.0 * r.Parameters * r.Tokens, i + 1);
        }

        return runs;
    }

    private static int CompareCanonically(TrainingRecord a, TrainingRecord b)
    {
        var c = a.Parameters.CompareTo(b.Parameters);
        if (c == 0)
        {
            c = a.Tokens.CompareTo(b.Tokens);
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(a.CellId, b.CellId);
        }

        return c != 0 ? c : a.FinalValidLoss.CompareTo(b.FinalValidLoss);
    }

    /// <summary>
    /// The per-parameter lines of the fitted datasets on H (<paramref name="compressibility"/> gives each dataset's H
    /// when it overrides the one saved with the fit).
    /// </summary>
    /// <exception cref="UserInputException">A dataset has no H, a fit is not a Chinchilla fit, or fewer than two
    /// datasets of different H remain.</exception>
    public static CompressibilityRegression Regress(IEnumerable<DatasetFitResult> fits, IReadOnlyDictionary<string, double?>? compressibility = null)
    {
        ArgumentNullException.ThrowIfNull(fits);
        var points = new List<DatasetLaw>();
        foreach (var fit in fits)
        {
            var h = compressibility is not null && compressibility.TryGetValue(fit.Dataset, out var given) ? given : fit.Compressibility;
            if (h is null)
            {
                throw UserInputException.ForParameters($"dataset '{fit.Dataset}' has no compressibility H; fit runs that carry H ({new Parameter("RunColumnMap.Compressibility")} COLUMN) or give {new Parameter("compressibility")} {fit.Dataset}=VALUE");
            }

            var law = fit.Chinchilla?.Parameters ?? throw new UserInputException($"dataset '{fit.Dataset}' has no Chinchilla fit: regress needs fits of the chinchilla form");
            points.Add(new DatasetLaw(fit.Dataset, h.Value, law));
        }

        return CompressibilityRegression.Fit(points);
    }

    /// <summary>
    /// <see cref="Regress"/> where a study may not have enough datasets yet (the report still renders): null when
    /// fewer than two fitted datasets of different H carry an H.
    /// </summary>
    public static CompressibilityRegression? TryRegress(IEnumerable<(string Dataset, double? Compressibility, ChinchillaParameters Law)> fitted)
    {
        ArgumentNullException.ThrowIfNull(fitted);
        var points = fitted.Where(f => f.Compressibility is not null).Select(f => new DatasetLaw(f.Dataset, f.Compressibility!.Value, f.Law)).ToArray();
        return points.Length < 2 || points.Select(p => p.Compressibility).Distinct().Count() < 2 ? null : CompressibilityRegression.Fit(points);
    }
}
