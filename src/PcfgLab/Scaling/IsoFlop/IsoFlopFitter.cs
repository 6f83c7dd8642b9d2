using MathNet.Numerics.Interpolation;

namespace PcfgLab.Scaling;

/// <summary>How the minimum of loss against log N is found within one compute budget.</summary>
public enum IsoFlopMinimum
{
    /// <summary>A least-squares parabola in log N (Hoffmann et al. 2022's Approach 2); its vertex may lie outside the sampled N.</summary>
    Parabola,

    /// <summary>Akima's piecewise cubic through the (log N, mean loss) points, minimised on the sampled range.</summary>
    Akima,

    /// <summary>Approach 1: at each compute, the model size whose (smoothed) training curve is lowest (<see cref="EnvelopeFitter"/>).</summary>
    Envelope,
}

/// <summary>Options of <see cref="IsoFlopFitter"/>.</summary>
public sealed record IsoFlopOptions
{
    /// <summary>How each budget's minimum is found.</summary>
    public IsoFlopMinimum Method { get; init; } = IsoFlopMinimum.Parabola;

    /// <summary>
    /// Null: budgets are the runs' C values as given (runs with equal C form a budget). A width w: budgets are
    /// binned from C, a run joining the current budget while its log10 C is within w of the budget's smallest,
    /// the budget's C being the geometric mean of its runs'.
    /// </summary>
    public double? BinWidthDecades { get; init; }

    /// <summary>Bootstrap resamples of the runs within each budget; 0 for none.</summary>
    public int Resamples { get; init; } = 1000;

    /// <summary>Seed; resample i has its own stream seeded by (Seed, i).</summary>
    public ulong Seed { get; init; }

    /// <summary>Threads; 0 or less uses every core. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; }
}

/// <summary>One compute budget's minimum.</summary>
/// <param name="Flops">The budget C.</param>
/// <param name="Runs">Runs in it.</param>
/// <param name="OptimalParameters">N at the minimum.</param>
/// <param name="OptimalTokens">D_opt = C/(6 N_opt).</param>
/// <param name="MinimumLoss">Loss at the minimum (of the parabola or spline).</param>
/// <param name="Interior">Whether N_opt lies within the budget's sampled N (a parabola's vertex may not); for the envelope, whether it is neither the smallest nor the largest model size covering that compute.</param>
public sealed record IsoFlopBudget(double Flops, int Runs, double OptimalParameters, double OptimalTokens, double MinimumLoss, bool Interior);

/// <summary>A budget left out of the power-law fit, and why.</summary>
/// <param name="Flops">The budget C.</param>
/// <param name="Runs">Runs in it.</param>
/// <param name="Reason">Why it was left out.</param>
public sealed record SkippedBudget(double Flops, int Runs, string Reason);

/// <summary>A power law y = Coefficient C^Exponent fitted by least squares in log space, with bootstrap intervals.</summary>
/// <param name="Coefficient">The coefficient.</param>
/// <param name="Exponent">The exponent.</param>
/// <param name="ExponentStandardError">SD of the exponent over resamples (NaN without a bootstrap).</param>
/// <param name="ExponentLower">2.5th percentile of the exponent.</param>
/// <param name="ExponentUpper">97.5th percentile of the exponent.</param>
/// <param name="CoefficientLower">2.5th percentile of the coefficient.</param>
/// <param name="CoefficientUpper">97.5th percentile of the coefficient.</param>
public sealed record PowerLawInC(double Coefficient, double Exponent, double ExponentStandardError, double ExponentLower, double ExponentUpper, double CoefficientLower, double CoefficientUpper)
{
    /// <summary>The law at compute C.</summary>
    public double At(double flops) => Coefficient * Math.Pow(flops, Exponent);
}

/// <summary>An Approach-2 fit: per-budget minima and N_opt = G C^a, D_opt = G_D C^b.</summary>
/// <param name="Method">How minima were found.</param>
/// <param name="Budgets">Budgets used, by C.</param>
/// <param name="Skipped">Budgets left out.</param>
/// <param name="Parameters">N_opt(C).</param>
/// <param name="Tokens">D_opt(C) (with D_opt = C/(6 N_opt), b = 1 - a exactly).</param>
/// <param name="Resamples">Bootstrap resamples drawn.</param>
/// <param name="UsedResamples">Resamples with at least two usable budgets (the intervals' base).</param>
/// <param name="Seed">Seed.</param>
public sealed record IsoFlopFit(IsoFlopMinimum Method, IReadOnlyList<IsoFlopBudget> Budgets, IReadOnlyList<SkippedBudget> Skipped, PowerLawInC Parameters, PowerLawInC Tokens, int Resamples, int UsedResamples, ulong Seed);

/// <summary>
/// Hoffmann et al.'s Approach 2 (IsoFLOP profiles): within each compute budget find the N of least loss, then fit
/// N_opt = G C^a and D_opt = C/(6 N_opt) = G_D C^b by least squares in log space; bootstrap over runs within budgets.
/// </summary>
public static class IsoFlopFitter
{
    /// <summary>Fits the runs.</summary>
    /// <exception cref="UserInputException">Fewer than two usable budgets, or bad options.</exception>
    public static IsoFlopFit Fit(IReadOnlyList<FitRun> runs, IsoFlopOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Resamples is < 0 or 1)
        {
            throw UserInputException.ForParameters($"{new Parameter("Resamples")} {options.Resamples}: use 0 (none) or at least 2 resamples");
        }

        if (options.BinWidthDecades is { } w && !(w > 0))
        {
            throw UserInputException.ForParameters($"{new Parameter("BinWidthDecades")} {w}: must be a positive number of decades of C");
        }

        var groups = Group(runs, options.BinWidthDecades);
        var budgets = new List<IsoFlopBudget>();
        var skipped = new List<SkippedBudget>();
        var logN = new List<double[]>();
        var losses = new List<double[]>();
        var flops = new List<double>();
        foreach (var (c, members) in groups)
        {
            var x = members.Select(r => Math.Log(r.Parameters)).ToArray();
            var y = members.Select(r => r.Loss).ToArray();
            var minimum = Minimum(x, y, options.Method, out var reason);
            if (minimum is not { } m)
            {
                skipped.Add(new SkippedBudget(c, members.Count, reason!));
                continue;
            }

            var n = Math.Exp(m.LogN);
            budgets.Add(new IsoFlopBudget(c, members.Count, n, c / (6 * n), m.Loss, m.LogN >= x.Min() && m.LogN <= x.Max()));
            logN.Add(x);
            losses.Add(y);
            flops.Add(c);
        }

        if (budgets.Count < 2)
        {
            var found = $"an IsoFLOP fit needs at least two budgets with a minimum; found {budgets.Count} of {groups.Count}" + (skipped.Count > 0 ? $" ({skipped[0].Reason} at C = {skipped[0].Flops.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)})" : string.Empty);
            throw options.BinWidthDecades is null
                ? UserInputException.ForParameters($"{found}; if the runs' C are not shared budgets, bin them with {new Parameter("BinWidthDecades")}")
                : new UserInputException(found);
        }

        var logC = flops.Select(c => Math.Log(c)).ToArray();
        var (na, nb) = LogLine(logC, budgets.Select(b => Math.Log(b.OptimalParameters)).ToArray());
        var (da, db) = LogLine(logC, budgets.Select(b => Math.Log(b.OptimalTokens)).ToArray());

        var resamples = options.Resamples;
        var exponents = new double[resamples];
        var logCoefficients = new double[resamples];
        var tokenExponents = new double[resamples];
        var tokenLogCoefficients = new double[resamples];
        var used = new bool[resamples];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism <= 0 ? -1 : options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        Parallel.For(0, resamples, parallel, i =>
        {
            var rng = SplitMix64Stream.ForStream(options.Seed, (ulong)i);
            var xs = new List<double>(flops.Count);
            var ns = new List<double>(flops.Count);
            var ds = new List<double>(flops.Count);
            for (var b = 0; b < flops.Count; b++)
            {
                var size = logN[b].Length;
                var x = new double[size];
                var y = new double[size];
                for (var k = 0; k < size; k++)
                {
                    var pick = rng.NextIndex(size);
                    x[k] = logN[b][pick];
                    y[k] = losses[b][pick];
                }

                if (Minimum(x, y, options.Method, out _) is { } m)
                {
                    xs.Add(logC[b]);
                    ns.Add(m.LogN);
                    ds.Add(logC[b] - Math.Log(6) - m.LogN);
                }
            }

            if (xs.Count >= 2 && xs.Distinct().Count() >= 2)
            {
                (logCoefficients[i], exponents[i]) = LogLine([.. xs], [.. ns]);
                (tokenLogCoefficients[i], tokenExponents[i]) = LogLine([.. xs], [.. ds]);
                used[i] = true;
            }
        });

        var usedCount = used.Count(u => u);
        double[] Pick(double[] values) => [.. values.Where((_, i) => used[i])];
        return new IsoFlopFit(options.Method, budgets, skipped,
            Summarise(na, nb, Pick(logCoefficients), Pick(exponents)),
            Summarise(da, db, Pick(tokenLogCoefficients), Pick(tokenExponents)),
            resamples, usedCount, options.Seed);
    }

    /// <summary>Runs grouped into budgets, by C.</summary>
    internal static List<(double Flops, List<FitRun> Runs)> Group(IReadOnlyList<FitRun> runs, double? binWidthDecades)
    {
        var sorted = runs.OrderBy(r => r.Flops).ThenBy(r => r.Row).ToList();
        var groups = new List<(double, List<FitRun>)>();
        var current = new List<FitRun>();
        foreach (var run in sorted)
        {
            var joins = current.Count > 0 && (binWidthDecades is { } w
                ? Math.Log10(run.Flops) - Math.Log10(current[0].Flops) <= w
                : run.Flops == current[0].Flops);
            if (!joins && current.Count > 0)
            {
                groups.Add((BudgetOf(current, binWidthDecades), current));
                current = [];
            }

            current.Add(run);
        }

        if (current.Count > 0)
        {
            groups.Add((BudgetOf(current, binWidthDecades), current));
        }

        return groups;
    }

    private static double BudgetOf(List<FitRun> runs, double? binWidthDecades) =>
        binWidthDecades is null ? runs[0].Flops : Math.Exp(runs.Average(r => Math.Log(r.Flops)));

    /// <summary>The minimum of loss against log N, or null with the reason.</summary>
    internal static (double LogN, double Loss)? Minimum(double[] logN, double[] loss, IsoFlopMinimum method, out string? reason)
    {
        // Mean loss at each distinct N (repeated runs, or a bootstrap's duplicates).
        var points = logN.Zip(loss).GroupBy(p => p.First).OrderBy(g => g.Key).Select(g => (X: g.Key, Y: g.Average(p => p.Second))).ToArray();
        var needed = method == IsoFlopMinimum.Akima ? 5 : 3;
        if (points.Length < needed)
        {
            reason = $"{points.Length} distinct model size{(points.Length == 1 ? string.Empty : "s")}, fewer than the {needed} a {(method == IsoFlopMinimum.Akima ? "spline" : "parabola")} needs";
            return null;
        }

        reason = null;
        return method == IsoFlopMinimum.Akima ? AkimaMinimum(points) : ParabolaMinimum(logN, loss, out reason);
    }

    private static (double, double)? ParabolaMinimum(double[] x, double[] y, out string? reason)
    {
        // Least squares y = c0 + c1 t + c2 t^2 in t = x - mean(x), for conditioning.
        var n = x.Length;
        var mean = x.Average();
        double s1 = 0, s2 = 0, s3 = 0, s4 = 0, t0 = 0, t1 = 0, t2 = 0;
        for (var i = 0; i < n; i++)
        {
            var t = x[i] - mean;
            var tt = t * t;
            s1 += t;
            s2 += tt;
            s3 += tt * t;
            s4 += tt * tt;
            t0 += y[i];
            t1 += y[i] * t;
            t2 += y[i] * tt;
        }

        // Normal equations [[n, s1, s2], [s1, s2, s3], [s2, s3, s4]] c = [t0, t1, t2], by Cramer's rule.
        var det = Det(n, s1, s2, s1, s2, s3, s2, s3, s4);
        if (det == 0)
        {
            reason = "a degenerate parabola";
            return null;
        }

        var c0 = Det(t0, s1, s2, t1, s2, s3, t2, s3, s4) / det;
        var c1 = Det(n, t0, s2, s1, t1, s3, s2, t2, s4) / det;
        var c2 = Det(n, s1, t0, s1, s2, t1, s2, s3, t2) / det;
        if (!(c2 > 0))
        {
            reason = "a parabola that opens downward (no minimum)";
            return null;
        }

        reason = null;
        var vertex = -c1 / (2 * c2);
        return (mean + vertex, c0 + (c1 * vertex) + (c2 * vertex * vertex));
    }

    private static double Det(double a, double b, double c, double d, double e, double f, double g, double h, double i) =>
        (a * ((e * i) - (f * h))) - (b * ((d * i) - (f * g))) + (c * ((d * h) - (e * g)));

    private static (double, double)? AkimaMinimum((double X, double Y)[] points)
    {
        var spline = CubicSpline.InterpolateAkimaSorted([.. points.Select(p => p.X)], [.. points.Select(p => p.Y)]);
        double lo = points[0].X, hi = points[^1].X;
        const int Steps = 2000;
        var bestX = lo;
        var bestY = spline.Interpolate(lo);
        for (var k = 1; k <= Steps; k++)
        {
            var x = lo + ((hi - lo) * k / Steps);
            var y = spline.Interpolate(x);
            if (y < bestY)
            {
                bestX = x;
                bestY = y;
            }
        }

        // Golden-section refinement within one step either side.
        var step = (hi - lo) / Steps;
        double a = Math.Max(lo, bestX - step), b = Math.Min(hi, bestX + step);
        var ratio = (Math.Sqrt(5) - 1) / 2;
        for (var k = 0; k < 60; k++)
        {
            var x1 = b - (ratio * (b - a));
            var x2 = a + (ratio * (b - a));
            if (spline.Interpolate(x1) <= spline.Interpolate(x2))
            {
                b = x2;
            }
            else
            {
                a = x1;
            }
        }

        var xm = 0.5 * (a + b);
        var ym = spline.Interpolate(xm);
        return ym <= bestY ? (xm, ym) : (bestX, bestY);
    }

    /// <summary>The power laws through per-compute optima (log C, log N_opt) with bootstrap values, as one fit.</summary>
    internal static (PowerLawInC Parameters, PowerLawInC Tokens) PowerLaws(double[] logC, double[] logN, double[] bootLogG, double[] bootA, double[] bootLogGD, double[] bootB)
    {
        var (na, nb) = LogLine(logC, logN);
        var logD = new double[logC.Length];
        for (var i = 0; i < logC.Length; i++)
        {
            logD[i] = logC[i] - Math.Log(6) - logN[i];
        }

        var (da, db) = LogLine(logC, logD);
        return (Summarise(na, nb, bootLogG, bootA), Summarise(da, db, bootLogGD, bootB));
    }

    /// <summary>Least squares y = p + q x; returns (p, q).</summary>
    internal static (double Intercept, double Slope) LogLine(double[] x, double[] y)
    {
        var fit = LinearFit.Of(x, y);
        return (fit.Intercept, fit.Slope);
    }

    private static PowerLawInC Summarise(double logCoefficient, double exponent, double[] logCoefficients, double[] exponents)
    {
        if (exponents.Length < 2)
        {
            return new PowerLawInC(Math.Exp(logCoefficient), exponent, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var e = (double[])exponents.Clone();
        Array.Sort(e);
        var c = logCoefficients.Select(v => Math.Exp(v)).ToArray();
        Array.Sort(c);
        var mean = e.Average();
        var sd = Math.Sqrt(e.Sum(v => (v - mean) * (v - mean)) / (e.Length - 1));
        return new PowerLawInC(Math.Exp(logCoefficient), exponent, sd, Bootstrap.Percentile(e, 0.025), Bootstrap.Percentile(e, 0.975), Bootstrap.Percentile(c, 0.025), Bootstrap.Percentile(c, 0.975));
    }
}
