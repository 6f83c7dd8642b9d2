namespace PcfgLab.Scaling;

/// <summary>
/// Fits L(N, D) = E + A/N^alpha + B/D^beta by Hoffmann et al.'s "Approach 3": minimise the sum over runs of
/// Huber_delta(LSE(a - alpha log N, b - beta log D, e) - log L) with A = exp(a), B = exp(b), E = exp(e), by L-BFGS
/// from every point of an initialisation grid (4500 by default), keeping the best.
/// </summary>
public static class ChinchillaFitter
{
    /// <summary>Number of free parameters (E, A, B, alpha, beta).</summary>
    public const int ParameterCount = 5;

    /// <summary>Fits the law to <paramref name="runs"/> from the full grid in <paramref name="options"/>.</summary>
    /// <exception cref="UserInputException">Too few runs, or all runs at one N or one D.</exception>
    public static ChinchillaFit Fit(IReadOnlyList<FitRun> runs, FitOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Fit(runs, options, BuildGrid(options), cancellationToken);
    }

    /// <summary>The Huber objective of given parameters on <paramref name="runs"/> (to score published laws).</summary>
    public static double Objective(IReadOnlyList<FitRun> runs, ChinchillaParameters parameters, double huberDelta = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var objective = CreateObjective(runs, huberDelta);
        Span<double> gradient = stackalloc double[ParameterCount];
        return objective.Evaluate(ToTheta(parameters), gradient);
    }

    /// <summary>Checks that a Chinchilla fit is identifiable from <paramref name="runs"/>; throws a one-line error if not.</summary>
    internal static void Validate(IReadOnlyList<FitRun> runs, string what)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count <= ParameterCount)
        {
            throw new UserInputException($"{what} has {runs.Count} usable runs; a Chinchilla fit needs more than {ParameterCount} (one per parameter plus one)");
        }

        if (AllEqual(runs, r => r.Parameters))
        {
            throw UserInputException.ForParameters($"{what}: every run has the same parameter count N = {runs[0].Parameters:G6}, so A and alpha cannot be fitted; use runs at several model sizes (or {new Parameter("Form")} data)");
        }

        if (AllEqual(runs, r => r.Tokens))
        {
            throw new UserInputException($"{what}: every run has the same token count D = {runs[0].Tokens.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)}, so B and beta cannot be fitted; use runs at several data sizes");
        }
    }

    internal static ChinchillaFit Fit(IReadOnlyList<FitRun> runs, FitOptions options, double[] starts, CancellationToken cancellationToken)
    {
        Validate(runs, "the input");
        var objective = CreateObjective(runs, options.HuberDelta);
        var best = MultiStartMinimizer.Minimize(objective, starts, options.MaxDegreeOfParallelism, cancellationToken);
        var parameters = FromTheta(best.Theta);
        var quality = GoodnessOfFit.Of(runs, r => parameters.Loss(r.Parameters, r.Tokens));
        return new ChinchillaFit(parameters, best.Objective, best.Converged, best.GradientNorm, runs.Count, best.Starts, best.ConvergedStarts, best.BestStart, quality.Rmse, quality.MeanRelativeError);
    }

    internal static ChinchillaObjective CreateObjective(IReadOnlyList<FitRun> runs, double huberDelta)
    {
        var logN = new double[runs.Count];
        var logD = new double[runs.Count];
        var logL = new double[runs.Count];
        for (var i = 0; i < runs.Count; i++)
        {
            logN[i] = Math.Log(runs[i].Parameters);
            logD[i] = Math.Log(runs[i].Tokens);
            logL[i] = Math.Log(runs[i].Loss);
        }

        return new ChinchillaObjective(logN, logD, logL, huberDelta);
    }

    /// <summary>The initialisation grid, flattened as (a, b, e, alpha, beta) per start; alpha varies slowest, then beta, e, a, b.</summary>
    internal static double[] BuildGrid(FitOptions options)
    {
        var count = options.AlphaGrid.Count * options.BetaGrid.Count * options.LogEGrid.Count * options.LogAGrid.Count * options.LogBGrid.Count;
        var starts = new double[count * ParameterCount];
        var k = 0;
        foreach (var alpha in options.AlphaGrid)
        {
            foreach (var beta in options.BetaGrid)
            {
                foreach (var e in options.LogEGrid)
                {
                    foreach (var a in options.LogAGrid)
                    {
                        foreach (var b in options.LogBGrid)
                        {
                            starts[k++] = a;
                            starts[k++] = b;
                            starts[k++] = e;
                            starts[k++] = alpha;
                            starts[k++] = beta;
                        }
                    }
                }
            }
        }

        return starts;
    }

    internal static double[] ToTheta(ChinchillaParameters p) =>
        [Math.Log(p.A), Math.Log(p.B), Math.Log(p.E), p.Alpha, p.Beta];

    internal static ChinchillaParameters FromTheta(ReadOnlySpan<double> theta) =>
        new(Math.Exp(theta[2]), Math.Exp(theta[0]), Math.Exp(theta[1]), theta[3], theta[4]);

    private static bool AllEqual(IReadOnlyList<FitRun> runs, Func<FitRun, double> value)
    {
        var first = value(runs[0]);
        for (var i = 1; i < runs.Count; i++)
        {
            if (value(runs[i]) != first)
            {
                return false;
            }
        }

        return true;
    }
}
