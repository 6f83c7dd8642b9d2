using PcfgLab.Scaling;
using PcfgLab.Sweeps;

namespace PcfgLab.Analysis;

/// <summary>
/// What a sweep report sets beside the study's two-step procedure: the joint data-dependent fit of all runs at once
/// (with its slopes against the two-step regression's) and the three approaches' allocation exponents per dataset.
/// </summary>
/// <param name="Joint">The joint fit with its bootstrap analysis, or null (see <paramref name="JointProblem"/>).</param>
/// <param name="JointProblem">Why there is no joint fit, when there is none.</param>
/// <param name="Slopes">The joint slopes beside the two-step ones (empty without both).</param>
/// <param name="Allocation">Approaches 1, 2 and 3 per dataset.</param>
public sealed record StudyComparison(DataDependentFitDocument? Joint, string? JointProblem, IReadOnlyList<SlopeComparison> Slopes, IReadOnlyList<AllocationRow> Allocation);

/// <summary>One dataset's input to <see cref="StudyComparisons.Run"/>.</summary>
/// <param name="Name">Dataset name.</param>
/// <param name="Compressibility">Its H (the report's one rule), or null when unknown.</param>
/// <param name="Records">Its training records.</param>
internal sealed record StudyDataset(string Name, double? Compressibility, IReadOnlyList<TrainingRecord> Records);

/// <summary>Runs the comparisons of <see cref="StudyComparison"/> on a sweep's datasets.</summary>
internal static class StudyComparisons
{
    /// <summary>
    /// Approach 2's compute budgets: sweep grids cross shapes with token budgets, so no two runs share a C exactly;
    /// runs are grouped in bins of half a decade of C.
    /// </summary>
    public const double ReportBinWidthDecades = 0.5;

    /// <summary>
    /// Fits the joint law to every run of the datasets with an H (when at least two distinct H values have runs) and
    /// compares the allocation approaches per dataset; <paramref name="resamples"/> bootstrap resamples for both,
    /// seeded by <paramref name="seed"/>.
    /// </summary>
    public static StudyComparison Run(IReadOnlyList<StudyDataset> datasets, int resamples, ulong seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        var runs = new List<FitRun>();
        var withH = new List<FitRun>();
        var curves = new List<TrainingCurve>();
        var distinctH = new HashSet<double>();
        foreach (var dataset in datasets)
        {
            if (dataset.Records.Count == 0)
            {
                continue;
            }

            foreach (var run in ScalingStudy.FitRuns(dataset.Name, dataset.Records))
            {
                var placed = run with { Compressibility = dataset.Compressibility };
                runs.Add(placed);
                if (dataset.Compressibility is { } h)
                {
                    withH.Add(placed);
                    distinctH.Add(h);
                }
            }

            foreach (var r in dataset.Records)
            {
                if (r.TrainLosses.Count > 0 && r.TokensPerStep is > 0 and var perStep)
                {
                    curves.Add(new TrainingCurve(dataset.Name, r.Parameters, r.Tokens, perStep, r.TrainLosses));
                }
            }
        }

        var allocation = runs.Count == 0
            ? []
            : AllocationComparison.Run(runs, curves, new AllocationComparisonOptions { Resamples = resamples, Seed = seed, BinWidthDecades = ReportBinWidthDecades }, cancellationToken);

        if (distinctH.Count < 2)
        {
            return new StudyComparison(null, "the joint fit needs runs of at least two datasets with different H", [], allocation);
        }

        try
        {
            var fit = DataDependentFitter.Fit(withH, new DataDependentFitOptions(), cancellationToken);
            var analysis = DataDependentAnalysis.Run(withH, fit, new DataDependentAnalysisOptions { Resamples = resamples, Seed = seed }, cancellationToken: cancellationToken);
            var document = new DataDependentFitDocument(ToolInfo.Version, [], new Dictionary<string, string>(StringComparer.Ordinal), fit, analysis);
            return new StudyComparison(document, null, document.CompareWithTwoStep(), allocation);
        }
        catch (UserInputException e)
        {
            return new StudyComparison(null, e.Message, [], allocation);
        }
    }
}
