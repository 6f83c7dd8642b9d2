namespace PcfgLab.Scaling;

/// <summary>Options for <see cref="Bootstrap"/>.</summary>
public sealed record BootstrapOptions
{
    /// <summary>Number of resamples (default 1000).</summary>
    public int Resamples { get; init; } = 1000;

    /// <summary>Seed; resample i draws from a generator seeded by (Seed, i), so results do not depend on threads.</summary>
    public ulong Seed { get; init; }

    /// <summary>Threads; 0 or less uses every core.</summary>
    public int MaxDegreeOfParallelism { get; init; }
}

/// <summary>Bootstrap summary of one quantity.</summary>
/// <param name="Name">E, A, B, alpha, beta, a (= beta/(alpha+beta)) or b (= alpha/(alpha+beta)).</param>
/// <param name="Estimate">The full-data estimate.</param>
/// <param name="StandardError">Standard deviation over resamples (n - 1 denominator).</param>
/// <param name="Lower">2.5th percentile over resamples (linear interpolation, numpy's default).</param>
/// <param name="Upper">97.5th percentile over resamples.</param>
public sealed record ParameterInterval(string Name, double Estimate, double StandardError, double Lower, double Upper);

/// <summary>Result of a bootstrap over runs.</summary>
/// <param name="Resamples">Resamples fitted.</param>
/// <param name="ConvergedResamples">Resamples whose best start ended at a stationary point.</param>
/// <param name="StartsPerResample">Initialisations per resample fit.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Intervals">E, A, B, alpha, beta, a, b in that order.</param>
public sealed record BootstrapResult(int Resamples, int ConvergedResamples, int StartsPerResample, ulong Seed, IReadOnlyList<ParameterInterval> Intervals)
{
    /// <summary>The interval of the named quantity.</summary>
    public ParameterInterval this[string name] => Intervals.First(i => i.Name == name);
}

/// <summary>
/// Bootstrap over runs for a Chinchilla fit: resample the runs with replacement, refit, and summarise. For speed each
/// resample starts from the full-data optimum and 8 neighbours (alpha and beta scaled by 0.7 and 1.4, with a and b
/// shifted so that each term is unchanged at the mean log N and log D), not from the full 4500-point grid.
/// </summary>
public static class Bootstrap
{
    /// <summary>Names of the summarised quantities, in order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["E", "A", "B", "alpha", "beta", "a", "b"];

    /// <summary>Runs the bootstrap around <paramref name="fit"/>, the full-data fit of <paramref name="runs"/>.</summary>
    public static BootstrapResult Run(IReadOnlyList<FitRun> runs, ChinchillaFit fit, BootstrapOptions options, double huberDelta = 1e-3, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Resamples < 2)
        {
            throw UserInputException.ForParameters($"{new Parameter("Resamples")} {options.Resamples}: need at least 2 resamples (or 0 for none)");
        }

        var (logN, logD, logL, meanLogN, meanLogD) = LogColumns(runs);
        var starts = LocalGrid(ChinchillaFitter.ToTheta(fit.Parameters), meanLogN, meanLogD);
        var startCount = starts.Length / ChinchillaFitter.ParameterCount;
        var (thetas, converged) = Refit(logN, logD, logL, options, (rn, rd, rl) =>
        {
            var best = MultiStartMinimizer.Minimize(new ChinchillaObjective(rn, rd, rl, huberDelta), starts, 1, cancellationToken);
            return (best.Theta, best.Converged);
        }, cancellationToken);
        var laws = new ChinchillaParameters[thetas.Length];
        for (var r = 0; r < laws.Length; r++)
        {
            laws[r] = ChinchillaFitter.FromTheta(thetas[r]);
        }

        return new BootstrapResult(options.Resamples, converged.Count(c => c), startCount, options.Seed, Intervals(laws, fit.Parameters));
    }

    /// <summary>log N, log D and log L of every run, and the means of log N and log D.</summary>
    internal static (double[] LogN, double[] LogD, double[] LogL, double MeanLogN, double MeanLogD) LogColumns(IReadOnlyList<FitRun> runs)
    {
        var n = runs.Count;
        var logN = new double[n];
        var logD = new double[n];
        var logL = new double[n];
        double meanLogN = 0, meanLogD = 0;
        for (var i = 0; i < n; i++)
        {
            logN[i] = Math.Log(runs[i].Parameters);
            logD[i] = Math.Log(runs[i].Tokens);
            logL[i] = Math.Log(runs[i].Loss);
            meanLogN += logN[i] / n;
            meanLogD += logD[i] / n;
        }

        return (logN, logD, logL, meanLogN, meanLogD);
    }

    /// <summary>
    /// Refits <see cref="BootstrapOptions.Resamples"/> resamples of the runs, each drawn with replacement from its own
    /// stream <see cref="SplitMix64Stream.ForStream"/>(seed, resample), so the draws do not depend on the thread count.
    /// <paramref name="refit"/> gets a resample's log N, log D and log L and returns the optimum's theta and whether it
    /// converged.
    /// </summary>
    internal static (double[][] Thetas, bool[] Converged) Refit(
        double[] logN,
        double[] logD,
        double[] logL,
        BootstrapOptions options,
        Func<double[], double[], double[], (double[] Theta, bool Converged)> refit,
        CancellationToken cancellationToken)
    {
        var n = logN.Length;
        var thetas = new double[options.Resamples][];
        var converged = new bool[options.Resamples];
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism <= 0 ? -1 : options.MaxDegreeOfParallelism,
            CancellationToken = cancellationToken,
        };
        Parallel.For(0, options.Resamples, parallel, resample =>
        {
            var rng = SplitMix64Stream.ForStream(options.Seed, (ulong)resample);
            var rn = new double[n];
            var rd = new double[n];
            var rl = new double[n];
            for (var i = 0; i < n; i++)
            {
                var k = rng.NextIndex(n);
                rn[i] = logN[k];
                rd[i] = logD[k];
                rl[i] = logL[k];
            }

            (thetas[resample], converged[resample]) = refit(rn, rd, rl);
        });
        return (thetas, converged);
    }

    /// <summary>
    /// The intervals of <see cref="Names"/> (E, A, B, alpha, beta, a, b) over the resampled laws: the full-data
    /// estimate, the standard deviation and the 2.5% and 97.5% percentiles.
    /// </summary>
    internal static List<ParameterInterval> Intervals(IReadOnlyList<ChinchillaParameters> laws, ChinchillaParameters full)
    {
        double[] estimates = [full.E, full.A, full.B, full.Alpha, full.Beta, full.ParameterAllocationExponent, full.TokenAllocationExponent];
        var intervals = new List<ParameterInterval>(Names.Count);
        var column = new double[laws.Count];
        for (var q = 0; q < Names.Count; q++)
        {
            for (var r = 0; r < laws.Count; r++)
            {
                var p = laws[r];
                column[r] = q switch
                {
                    0 => p.E,
                    1 => p.A,
                    2 => p.B,
                    3 => p.Alpha,
                    4 => p.Beta,
                    5 => p.ParameterAllocationExponent,
                    _ => p.TokenAllocationExponent,
                };
            }

            Array.Sort(column);
            intervals.Add(new ParameterInterval(Names[q], estimates[q], StandardDeviation(column), Percentile(column, 0.025), Percentile(column, 0.975)));
        }

        return intervals;
    }

    /// <summary>Percentile of sorted values by linear interpolation between closest ranks (numpy's default, type 7).</summary>
    internal static double Percentile(double[] sorted, double p)
    {
        var h = (sorted.Length - 1) * p;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }

    private static double StandardDeviation(double[] values)
    {
        double mean = 0;
        foreach (var v in values)
        {
            mean += v;
        }

        mean /= values.Length;
        double squares = 0;
        foreach (var v in values)
        {
            squares += (v - mean) * (v - mean);
        }

        return Math.Sqrt(squares / (values.Length - 1));
    }

    private static double[] LocalGrid(double[] theta, double meanLogN, double meanLogD)
    {
        double[] scales = [1, 0.7, 1.4];
        var starts = new List<double>(9 * 5);
        foreach (var alphaScale in scales)
        {
            foreach (var betaScale in scales)
            {
                var alpha = theta[3] * alphaScale;
                var beta = theta[4] * betaScale;

                // Keep A/N^alpha and B/D^beta unchanged at the mean log N and log D.
                starts.Add(theta[0] + ((alpha - theta[3]) * meanLogN));
                starts.Add(theta[1] + ((beta - theta[4]) * meanLogD));
                starts.Add(theta[2]);
                starts.Add(alpha);
                starts.Add(beta);
            }
        }

        return [.. starts];
    }
}
