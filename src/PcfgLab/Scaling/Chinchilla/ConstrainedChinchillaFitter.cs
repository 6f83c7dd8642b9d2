namespace PcfgLab.Scaling;

/// <summary>Constraints on a Chinchilla fit that remove parameters the data cannot separate.</summary>
public sealed record ChinchillaConstraints
{
    /// <summary>Fit one exponent: alpha = beta.</summary>
    public bool TieExponents { get; init; }

    /// <summary>Hold E at this value (for PcfgLab datasets, the manifest's loss floor) instead of fitting it.</summary>
    public double? FixedE { get; init; }

    /// <summary>No constraint: the plain five-parameter fit.</summary>
    public bool None => !TieExponents && FixedE is null;

    /// <summary>Free parameters: 5, less one for each constraint.</summary>
    public int FreeParameters => 5 - (TieExponents ? 1 : 0) - (FixedE is null ? 0 : 1);
}

/// <summary>The pairs of a Chinchilla fit the bootstrap cannot tell apart, with the correlation matrix behind them.</summary>
/// <param name="Names">E, A/Nbar^alpha, B/Dbar^beta, alpha, beta (the free ones only; Nbar, Dbar the runs' geometric means).</param>
/// <param name="Correlation">Bootstrap correlation of their logs (alpha, beta as they are), row-major over <paramref name="Names"/>.</param>
/// <param name="Warnings">Plain-words warnings for pairs with |r| at or above the threshold, and for an E far below every loss.</param>
/// <param name="Bootstrap">The bootstrap intervals (E, A, B, alpha, beta, a, b).</param>
public sealed record Identifiability(IReadOnlyList<string> Names, double[] Correlation, IReadOnlyList<string> Warnings, BootstrapResult Bootstrap);

/// <summary>
/// Chinchilla fits with alpha tied to beta and/or E fixed, by the same objective, grid (projected onto the free
/// parameters, duplicates removed) and optimiser as <see cref="ChinchillaFitter"/>, and a bootstrap over runs that
/// keeps the constraints and also reports the parameters' correlation matrix and which pairs are not identified.
/// </summary>
public static class ConstrainedChinchillaFitter
{
    /// <summary>Fits with <paramref name="constraints"/>.</summary>
    /// <exception cref="UserInputException">Too few runs, one N or one D, or a non-positive fixed E.</exception>
    public static ChinchillaFit Fit(IReadOnlyList<FitRun> runs, FitOptions options, ChinchillaConstraints constraints, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(constraints);
        if (constraints.FixedE is { } e && !(e > 0 && double.IsFinite(e)))
        {
            throw UserInputException.ForParameters($"{new Parameter("FixedE")} {e}: E must be a positive loss");
        }

        ChinchillaFitter.Validate(runs, "the input");
        var objective = new ConstrainedChinchillaObjective(ChinchillaFitter.CreateObjective(runs, options.HuberDelta), constraints);
        var best = MultiStartMinimizer.Minimize(objective, Grid(options, constraints), options.MaxDegreeOfParallelism, cancellationToken);
        var parameters = ChinchillaFitter.FromTheta(objective.Expand(best.Theta));
        var quality = GoodnessOfFit.Of(runs, r => parameters.Loss(r.Parameters, r.Tokens));
        return new ChinchillaFit(parameters, best.Objective, best.Converged, best.GradientNorm, runs.Count, best.Starts, best.ConvergedStarts, best.BestStart, quality.Rmse, quality.MeanRelativeError);
    }

    /// <summary>
    /// Bootstrap over runs around <paramref name="fit"/> (each resample from the fit and 8 neighbours, as
    /// <see cref="Bootstrap"/>), keeping the constraints; returns the intervals, the correlation matrix of the free
    /// parameters and a warning for each pair with |r| &gt;= <paramref name="threshold"/>.
    /// </summary>
    public static Identifiability Identify(IReadOnlyList<FitRun> runs, ChinchillaFit fit, ChinchillaConstraints constraints, BootstrapOptions options, double huberDelta = 1e-3, double threshold = 0.99, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(constraints);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Resamples < 3)
        {
            throw UserInputException.ForParameters($"{new Parameter("Resamples")} {options.Resamples}: the identifiability check needs at least 3 resamples");
        }

        var (logN, logD, logL, meanLogN, meanLogD) = Scaling.Bootstrap.LogColumns(runs);
        var template = new ConstrainedChinchillaObjective(new ChinchillaObjective(logN, logD, logL, huberDelta), constraints);
        var starts = LocalStarts(ChinchillaFitter.ToTheta(fit.Parameters), meanLogN, meanLogD, template);
        var (samples, converged) = Scaling.Bootstrap.Refit(logN, logD, logL, options, (rn, rd, rl) =>
        {
            var objective = new ConstrainedChinchillaObjective(new ChinchillaObjective(rn, rd, rl, huberDelta), constraints);
            var best = MultiStartMinimizer.Minimize(objective, starts, 1, cancellationToken);
            return (objective.Expand(best.Theta), best.Converged);
        }, cancellationToken);

        // Intervals in the usual order E, A, B, alpha, beta, a, b.
        var laws = samples.Select(t => ChinchillaFitter.FromTheta(t)).ToArray();
        var intervals = Scaling.Bootstrap.Intervals(laws, fit.Parameters);

        // Correlation of the free parameters: log E, the terms A/Nbar^alpha and B/Dbar^beta at the runs' geometric-mean
        // N and D (log), alpha, beta. A itself is the term at N = 1, far outside the data, so log A and alpha always move
        // together (r near 1 on any data); the term at the data's centre is what the runs determine.
        foreach (var s in samples)
        {
            s[0] -= s[3] * meanLogN;
            s[1] -= s[4] * meanLogD;
        }

        var free = new List<(string Name, int Index)>();
        if (constraints.FixedE is null)
        {
            free.Add(("E", 2));
        }

        free.Add(("A/Nbar^alpha", 0));
        free.Add(("B/Dbar^beta", 1));
        free.Add(("alpha", 3));
        if (!constraints.TieExponents)
        {
            free.Add(("beta", 4));
        }

        var p = free.Count;
        var correlation = new double[p * p];
        for (var i = 0; i < p; i++)
        {
            for (var j = 0; j < p; j++)
            {
                correlation[(i * p) + j] = Correlation(samples, free[i].Index, free[j].Index);
            }
        }

        var warnings = new List<string>();
        for (var i = 0; i < p; i++)
        {
            for (var j = i + 1; j < p; j++)
            {
                var r = correlation[(i * p) + j];
                if (Math.Abs(r) >= threshold)
                {
                    var advice = (free[i].Name, free[j].Name) switch
                    {
                        ("A/Nbar^alpha", "alpha") => "runs at more model sizes (a wider range of N) would separate them",
                        ("B/Dbar^beta", "beta") => "runs at more token counts (a wider range of D) would separate them",
                        ("E", _) => "runs nearer the floor would pin E; or fix E (--fix-e) at a known floor",
                        _ => "--tie-exponents or --fix-e removes one of them",
                    };
                    warnings.Add($"{free[i].Name} and {free[j].Name} are not separately identified: across {options.Resamples} resamples they {(r > 0 ? "rise and fall together" : "trade off against each other")} (correlation {r.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)}), so the data fix their combination much better than either alone (read each one's interval with that in mind); {advice}");
                }
            }
        }

        if (constraints.FixedE is null)
        {
            var minLoss = runs.Min(r => r.Loss);
            var e = intervals[0];
            if (e.Lower < 0.5 * e.Estimate || fit.Parameters.E < 0.5 * minLoss)
            {
                warnings.Add($"E is poorly determined: its 95% interval is {e.Lower.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)} to {e.Upper.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)} while the lowest loss is {minLoss.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)}: no run is near the floor; fix E (--fix-e) if the floor is known");
            }
        }

        var result = new BootstrapResult(options.Resamples, converged.Count(c => c), starts.Length / constraints.FreeParameters, options.Seed, intervals);
        return new Identifiability([.. free.Select(f => f.Name)], correlation, warnings, result);
    }

    private static double Correlation(double[][] samples, int x, int y)
    {
        // Coefficients on the log scale (theta is already log A, log B, log E).
        var n = samples.Length;
        double mx = 0, my = 0;
        foreach (var s in samples)
        {
            mx += s[x] / n;
            my += s[y] / n;
        }

        double sxy = 0, sxx = 0, syy = 0;
        foreach (var s in samples)
        {
            sxy += (s[x] - mx) * (s[y] - my);
            sxx += (s[x] - mx) * (s[x] - mx);
            syy += (s[y] - my) * (s[y] - my);
        }

        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : (x == y ? 1 : 0);
    }

    /// <summary>The default grid projected onto the free parameters, duplicates removed, in first-seen order.</summary>
    internal static double[] Grid(FitOptions options, ChinchillaConstraints constraints)
    {
        var full = ChinchillaFitter.BuildGrid(options);
        var seen = new HashSet<(double, double, double, double, double)>();
        var starts = new List<double>();
        var template = new ConstrainedChinchillaObjective(null, constraints);
        for (var k = 0; k < full.Length; k += 5)
        {
            var reduced = template.Reduce(full.AsSpan(k, 5));
            var key = (reduced[0], reduced[1], reduced.Length > 2 ? reduced[2] : 0, reduced.Length > 3 ? reduced[3] : 0, reduced.Length > 4 ? reduced[4] : 0);
            if (seen.Add(key))
            {
                starts.AddRange(reduced);
            }
        }

        return [.. starts];
    }

    internal static double[] LocalStarts(double[] theta, double meanLogN, double meanLogD, ConstrainedChinchillaObjective template)
    {
        double[] scales = [1, 0.7, 1.4];
        var starts = new List<double>();
        foreach (var alphaScale in scales)
        {
            foreach (var betaScale in scales)
            {
                var alpha = theta[3] * alphaScale;
                var beta = template.Constraints.TieExponents ? alpha : theta[4] * betaScale;
                if (template.Constraints.TieExponents && betaScale != 1)
                {
                    continue;
                }

                double[] full = [theta[0] + ((alpha - theta[3]) * meanLogN), theta[1] + ((beta - theta[4]) * meanLogD), theta[2], alpha, beta];
                starts.AddRange(template.Reduce(full));
            }
        }

        return [.. starts];
    }
}

/// <summary>
/// The Chinchilla objective over the free parameters only: theta_free is (a, b, [e], alpha, [beta]) with e dropped when
/// E is fixed and beta dropped when tied to alpha; the gradient of a tied exponent is the sum of both.
/// </summary>
internal sealed class ConstrainedChinchillaObjective : HuberLogObjective
{
    private readonly ChinchillaObjective? _inner;

    public ConstrainedChinchillaObjective(ChinchillaObjective? inner, ChinchillaConstraints constraints)
        : base(inner?.LogLoss ?? [], inner?.Delta ?? 1e-3)
    {
        _inner = inner;
        Constraints = constraints;
    }

    public ChinchillaConstraints Constraints { get; }

    public override int Dimension => Constraints.FreeParameters;

    /// <summary>The full (a, b, e, alpha, beta) of free parameters.</summary>
    public double[] Expand(ReadOnlySpan<double> free)
    {
        var full = new double[5];
        Expand(free, full);
        return full;
    }

    /// <summary>The free parameters of a full (a, b, e, alpha, beta).</summary>
    public double[] Reduce(ReadOnlySpan<double> full)
    {
        var free = new List<double>(5) { full[0], full[1] };
        if (Constraints.FixedE is null)
        {
            free.Add(full[2]);
        }

        free.Add(full[3]);
        if (!Constraints.TieExponents)
        {
            free.Add(full[4]);
        }

        return [.. free];
    }

    public override double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        Span<double> full = stackalloc double[5];
        Span<double> g = stackalloc double[5];
        Expand(theta, full);
        var value = _inner!.Evaluate(full, g);
        var k = 0;
        gradient[k++] = g[0];
        gradient[k++] = g[1];
        if (Constraints.FixedE is null)
        {
            gradient[k++] = g[2];
        }

        gradient[k++] = Constraints.TieExponents ? g[3] + g[4] : g[3];
        if (!Constraints.TieExponents)
        {
            gradient[k] = g[4];
        }

        return value;
    }

    public override double LogPrediction(ReadOnlySpan<double> theta, int run) => _inner!.LogPrediction(Expand(theta), run);

    private void Expand(ReadOnlySpan<double> free, Span<double> full)
    {
        var k = 0;
        full[0] = free[k++];
        full[1] = free[k++];
        full[2] = Constraints.FixedE is { } e ? Math.Log(e) : free[k++];
        full[3] = free[k++];
        full[4] = Constraints.TieExponents ? full[3] : free[k];
    }
}
