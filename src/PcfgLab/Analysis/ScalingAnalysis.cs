using PcfgLab.Scaling;
using SweepRecord = PcfgLab.Sweeps.TrainingRecord;

namespace PcfgLab.Analysis;

/// <summary>
/// The report's fits, made by the one analysis path (<see cref="ScalingStudy"/>, <see cref="ScalingFitPipeline.FitDataset"/>:
/// Huber loss on log L, L-BFGS from a grid of starts, on each dataset's final validation losses, optionally with
/// <see cref="Bootstrap"/> intervals) that <c>pcfglab fit</c> uses.
/// </summary>
public sealed class ScalingAnalysis(FitOptions options, BootstrapOptions? bootstrap = null) : ILawAnalysis
{
    /// <summary>With the fitter's default options and no bootstrap.</summary>
    public ScalingAnalysis()
        : this(new FitOptions())
    {
    }

    /// <summary>
    /// A 108-start grid (alpha, beta in {0, 0.5}; log E in {-1, 0, 1}; log A, log B in {0, 5, 10}) instead of the
    /// fitter's 4500: about 40 times faster, for quick checks; the full grid is the study's method.
    /// </summary>
    public static FitOptions CoarseGrid { get; } = new()
    {
        AlphaGrid = [0, 0.5],
        BetaGrid = [0, 0.5],
        LogEGrid = [-1, 0, 1],
        LogAGrid = [0, 5, 10],
        LogBGrid = [0, 5, 10],
    };

    /// <summary>
    /// The joint data-dependent fit's quick-check grid: 16 starts (alpha, beta 0.5; log E 0; log A, log B in {0, 12};
    /// each exponent tilted by 0 or 0.3) beside the two-step starts, instead of 2187; the full grid is the study's method.
    /// </summary>
    public static DataDependentFitOptions CoarseJointGrid { get; } = new()
    {
        AlphaGrid = [0.5],
        BetaGrid = [0.5],
        LogEGrid = [0],
        LogAGrid = [0, 12],
        LogBGrid = [0, 12],
        ExponentTiltGrid = [0, 0.3],
    };

    /// <inheritdoc/>
    public LawFit Fit(string dataset, IReadOnlyList<SweepRecord> records, CancellationToken cancellationToken)
    {
        var runs = ScalingStudy.FitRuns(dataset, records);
        var request = new FitRequest
        {
            Fit = options,
            BootstrapResamples = bootstrap?.Resamples ?? 0,
            Seed = bootstrap?.Seed ?? 0,
        };
        var result = ScalingFitPipeline.FitDataset(dataset, runs, null, request, cancellationToken);
        var fit = result.Chinchilla!;
        return new LawFit(fit.Parameters) { Rmse = fit.Rmse, Runs = fit.Runs, Converged = fit.Converged, Intervals = result.Bootstrap?.Intervals };
    }

    /// <inheritdoc/>
    public DatasetIdentification? Identify(string dataset, IReadOnlyList<SweepRecord> records, double? fixedE, CancellationToken cancellationToken) =>
        IdentifiedFitter.Fit(dataset, records, fixedE, options, bootstrap?.Resamples ?? 0, bootstrap?.Seed ?? 0, cancellationToken);
}
