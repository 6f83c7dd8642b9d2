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
public sealed record StudyComparison(DataDependentFitDocument? Joint, string? JointProblem, IReadOnlyList<SlopeComparison> Slopes, IReadOnlyList<AllocationRow> Allocation)
{
    /// <summary>
    /// How far the joint law, at each dataset's H, misses that dataset's runs' excess over the floor
    /// (<see cref="ExcessMisfitRule.MeasureJoint"/>); empty without a joint fit or floors.
    /// </summary>
    public IReadOnlyList<JointMisfit> JointMisfits { get; init; } = [];

    /// <summary>
    /// False when the joint law misses some dataset's runs by more than <see cref="ExcessMisfitRule"/> allows: its
    /// slopes, their agreement with the two-step ones and the allocation crossing are then not identified.
    /// </summary>
    public bool JointDescribesRuns => JointMisfits.All(m => m.Misfit.Describes);
}

/// <summary>One dataset's input to <see cref="StudyComparisons.Run"/>.</summary>
/// <param name="Name">Dataset name.</param>
/// <param name="Compressibility">Its H (the report's one rule), or null when unknown.</param>
/// <param name="Records">Its training records.</param>
/// <param name="Fit">The report's own fit of the dataset (the one owner of its law): the two-step regression beside the
/// joint fit and Approach 3 use it instead of fitting the dataset again; null to fit it here.</param>
/// <param name="NotFitted">Why the report does not fit the dataset (a saturated control), or null: its allocation row
/// gives this reason for every approach and the joint fit leaves its runs out, so that nothing is fitted to it here
/// either.</param>
internal sealed record StudyDataset(string Name, double? Compressibility, IReadOnlyList<TrainingRecord> Records, LawFit? Fit = null, string? NotFitted = null);

/// <summary>Runs the comparisons of <see cref="StudyComparison"/> on a sweep's datasets.</summary>
internal static class StudyComparisons
{
    /// <summary>Approach 3 of a report's fit: a = beta/(alpha + beta), with the interval of a from its bootstrap when it has one; none (with the reason) where the law has no frontier.</summary>
    internal static ExponentEstimate Approach3(LawFit fit)
    {
        if (fit.FrontierProblem is { } problem)
        {
            return ExponentEstimate.None(problem);
        }

        var a = fit.Interval("a");
        return new ExponentEstimate(fit.Parameters.ParameterAllocationExponent, a?.Lower ?? double.NaN, a?.Upper ?? double.NaN);
    }

    /// <summary>
    /// Fits the joint law to every run of the datasets with an H (when at least two distinct H values have runs) and
    /// compares the allocation approaches per dataset; <paramref name="resamples"/> bootstrap resamples for both,
    /// seeded by <paramref name="seed"/>.
    /// </summary>
    /// <param name="datasets">The datasets, each with its runs, H and own fit.</param>
    /// <param name="resamples">Bootstrap resamples of the joint fit and the allocation approaches.</param>
    /// <param name="seed">Seed of both bootstraps.</param>
    /// <param name="cancellationToken">Stops the fits.</param>
    /// <param name="jointFit">The joint fit's grid of starts and search (its two-step laws are the datasets' own fits); null: <see cref="DataDependentFitOptions"/>' defaults.</param>
    public static StudyComparison Run(IReadOnlyList<StudyDataset> datasets, int resamples, ulong seed, CancellationToken cancellationToken = default, DataDependentFitOptions? jointFit = null)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        var runs = new List<FitRun>();
        var withH = new List<FitRun>();
        var curves = new List<TrainingCurve>();
        var distinctH = new HashSet<double>();
        var notFitted = new List<AllocationRow>();
        foreach (var dataset in datasets)
        {
            if (dataset.Records.Count == 0)
            {
                continue;
            }

            if (dataset.NotFitted is { } reason)
            {
                var none = ExponentEstimate.None(reason);
                notFitted.Add(new AllocationRow(dataset.Name, dataset.Compressibility, none, none, none));
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

        // Approach 2 follows `pcfglab isoflop`'s default rule (runs of equal C form a budget; no binning): the report
        // shows no exponent the command would refuse on the same runs, and says why instead.
        var fits = new Dictionary<string, LawFit>(StringComparer.Ordinal);
        foreach (var dataset in datasets)
        {
            if (dataset.Fit is { } given)
            {
                fits[dataset.Name] = given;
            }
        }

        IReadOnlyList<AllocationRow> allocation = runs.Count == 0
            ? []
            : AllocationComparison.Run(runs, curves, new AllocationComparisonOptions { Resamples = resamples, Seed = seed, Approach3 = fits.ToDictionary(f => f.Key, f => Approach3(f.Value), StringComparer.Ordinal) }, cancellationToken);
        if (notFitted.Count > 0)
        {
            // In AllocationComparison's order (by name), so that a table reads the same with or without controls.
            allocation = [.. allocation.Concat(notFitted).OrderBy(r => r.Dataset, StringComparer.Ordinal)];
        }

        if (distinctH.Count < 2)
        {
            return new StudyComparison(null, "the joint fit needs runs of at least two datasets with different H", [], allocation);
        }

        try
        {
            // The two-step regression beside the joint fit is made of the report's own per-dataset fits (one law per
            // dataset in the whole report), not of a second, coarser fit that may find another optimum.
            var laws = fits.ToDictionary(f => f.Key, f => f.Value.Parameters, StringComparer.Ordinal);
            var fit = DataDependentFitter.Fit(withH, (jointFit ?? new DataDependentFitOptions()) with { TwoStepLaws = laws }, cancellationToken);
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
