using PcfgLab.Scaling;
using SweepRecord = PcfgLab.Sweeps.TrainingRecord;

namespace PcfgLab.Reporting;

/// <summary>
/// The report's statistics from the Scaling stage: <see cref="ChinchillaFitter"/> (Huber loss on log L, L-BFGS from
/// a grid of starts) on each dataset's final validation losses, optionally <see cref="Bootstrap"/> intervals, and
/// <see cref="LinearFit"/> (ordinary least squares with a two-sided t test of the slope) of each parameter on H.
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

    /// <inheritdoc/>
    public LawFit Fit(string dataset, IReadOnlyList<SweepRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var runs = records
            .Select((r, i) => new FitRun(dataset, r.Parameters, r.Tokens, r.FinalValidLoss, r.GzipMedian, 6.0 * r.Parameters * r.Tokens, i + 1))
            .ToArray();
        var fit = ChinchillaFitter.Fit(runs, options, cancellationToken);
        var intervals = bootstrap is { Resamples: > 0 }
            ? Bootstrap.Run(runs, fit, bootstrap, options.HuberDelta, cancellationToken).Intervals
            : null;
        return new LawFit(fit.Parameters) { Rmse = fit.Rmse, Runs = fit.Runs, Converged = fit.Converged, Intervals = intervals };
    }

    /// <inheritdoc/>
    public ParameterTrend Regress(string parameter, IReadOnlyList<double> h, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(values);
        if (h.Count < 2 || values.Count != h.Count)
        {
            throw new ArgumentException("regression needs at least two (H, value) pairs of equal count");
        }

        var line = LinearFit.Of(h, values);
        return new ParameterTrend(parameter, line.Intercept, line.Slope, line.PValue, line.RSquared, line.Points);
    }
}
