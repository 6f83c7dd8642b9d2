using MathNet.Numerics.Distributions;
using PcfgLab.Scaling;
using SweepRecord = PcfgLab.Sweeps.RunRecord;

namespace PcfgLab.Reporting;

/// <summary>
/// The report's statistics from the Scaling stage: <see cref="ChinchillaFitter"/> (Huber loss on log L, L-BFGS from
/// a grid of starts) on each dataset's final validation losses, and an ordinary least-squares line of each
/// parameter on H with a two-sided t test of the slope.
/// </summary>
public sealed class ScalingAnalysis(FitOptions options) : ILawAnalysis
{
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

    /// <summary>With the fitter's default options.</summary>
    public ScalingAnalysis()
        : this(new FitOptions())
    {
    }

    /// <inheritdoc/>
    public LawFit Fit(string dataset, IReadOnlyList<SweepRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var runs = records
            .Select((r, i) => new RunRecord(dataset, r.Parameters, r.Tokens, r.FinalValidLoss, r.GzipMedian, 6.0 * r.Parameters * r.Tokens, i + 1))
            .ToArray();
        var fit = ChinchillaFitter.Fit(runs, options, cancellationToken);
        var p = fit.Parameters;
        return new LawFit(p.E, p.A, p.B, p.Alpha, p.Beta) { Rmse = fit.Rmse, Runs = fit.Runs, Converged = fit.Converged };
    }

    /// <inheritdoc/>
    public ParameterTrend Regress(string parameter, IReadOnlyList<double> h, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(values);
        var n = h.Count;
        if (n < 2 || values.Count != n)
        {
            throw new ArgumentException("regression needs at least two (H, value) pairs of equal count");
        }

        var meanX = h.Average();
        var meanY = values.Average();
        double sxx = 0, sxy = 0, syy = 0;
        for (var i = 0; i < n; i++)
        {
            sxx += (h[i] - meanX) * (h[i] - meanX);
            sxy += (h[i] - meanX) * (values[i] - meanY);
            syy += (values[i] - meanY) * (values[i] - meanY);
        }

        var slope = sxy / sxx;
        var intercept = meanY - (slope * meanX);
        var residual = Math.Max(0, syy - (slope * sxy));
        var rSquared = syy > 0 ? 1 - (residual / syy) : 1;
        var p = double.NaN;
        if (n > 2)
        {
            var standardError = Math.Sqrt(residual / (n - 2) / sxx);
            p = standardError > 0 ? 2 * StudentT.CDF(0, 1, n - 2, -Math.Abs(slope / standardError)) : 0;
        }

        return new ParameterTrend(parameter, intercept, slope, p, rSquared, n);
    }
}
