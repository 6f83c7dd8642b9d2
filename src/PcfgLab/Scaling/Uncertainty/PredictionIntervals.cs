namespace PcfgLab.Scaling;

/// <summary>Options of <see cref="PredictionIntervals"/>.</summary>
public sealed record PredictionIntervalOptions
{
    /// <summary>Residual-bootstrap resamples.</summary>
    public int Resamples { get; init; } = 1000;

    /// <summary>Seed; resample i has its own stream.</summary>
    public ulong Seed { get; init; }

    /// <summary>Threads; 0 or less uses every core. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>Huber threshold of the refits.</summary>
    public double HuberDelta { get; init; } = 1e-3;
}

/// <summary>A predicted loss with a 95% confidence interval of the curve and a 95% prediction interval of a new run.</summary>
/// <param name="Parameters">N.</param>
/// <param name="Tokens">D.</param>
/// <param name="Loss">The fitted law's prediction.</param>
/// <param name="ConfidenceLower">2.5th percentile of the refitted laws' predictions (where the curve is).</param>
/// <param name="ConfidenceUpper">97.5th percentile.</param>
/// <param name="PredictionLower">2.5th percentile of a new run's loss: a refitted prediction times exp of a resampled residual.</param>
/// <param name="PredictionUpper">97.5th percentile.</param>
public sealed record LossInterval(double Parameters, double Tokens, double Loss, double ConfidenceLower, double ConfidenceUpper, double PredictionLower, double PredictionUpper);

/// <summary>
/// Intervals for predictions of a Chinchilla fit by a residual bootstrap: the log residuals r_i = log L_i - log L_hat_i
/// are resampled onto the fitted values, the law is refitted (from the fit and 8 neighbours, as <see cref="Bootstrap"/>),
/// and its predictions give the confidence interval; adding a further resampled residual gives the prediction interval
/// of a new run. Residuals are not inflated for leverage, so with few runs both intervals are somewhat narrow.
/// </summary>
public static class PredictionIntervals
{
    /// <summary>Intervals at each (N, D) of <paramref name="points"/> for <paramref name="law"/>, fitted to <paramref name="runs"/>.</summary>
    /// <exception cref="UserInputException">Too few runs or resamples.</exception>
    public static IReadOnlyList<LossInterval> Run(IReadOnlyList<FitRun> runs, ChinchillaParameters law, IReadOnlyList<(double Parameters, double Tokens)> points, PredictionIntervalOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(law);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(options);
        ChinchillaFitter.Validate(runs, "the fitted runs");
        if (options.Resamples < 2)
        {
            throw UserInputException.ForParameters($"{new Parameter("PredictionIntervalOptions.Resamples")} {options.Resamples}: need at least 2 resamples");
        }

        var n = runs.Count;
        var logN = new double[n];
        var logD = new double[n];
        var fitted = new double[n];
        var residuals = new double[n];
        double meanLogN = 0, meanLogD = 0;
        for (var i = 0; i < n; i++)
        {
            logN[i] = Math.Log(runs[i].Parameters);
            logD[i] = Math.Log(runs[i].Tokens);
            fitted[i] = Math.Log(law.Loss(runs[i].Parameters, runs[i].Tokens));
            residuals[i] = Math.Log(runs[i].Loss) - fitted[i];
            meanLogN += logN[i] / n;
            meanLogD += logD[i] / n;
        }

        var starts = LocalStarts(ChinchillaFitter.ToTheta(law), meanLogN, meanLogD);
        var curve = new double[points.Count][];
        var newRun = new double[points.Count][];
        for (var p = 0; p < points.Count; p++)
        {
            curve[p] = new double[options.Resamples];
            newRun[p] = new double[options.Resamples];
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism <= 0 ? -1 : options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        Parallel.For(0, options.Resamples, parallel, b =>
        {
            var rng = SplitMix64Stream.ForStream(options.Seed, (ulong)b);
            var logL = new double[n];
            for (var i = 0; i < n; i++)
            {
                logL[i] = fitted[i] + residuals[rng.NextIndex(n)];
            }

            var objective = new ChinchillaObjective(logN, logD, logL, options.HuberDelta);
            var best = MultiStartMinimizer.Minimize(objective, starts, 1, cancellationToken);
            var refit = ChinchillaFitter.FromTheta(best.Theta);
            for (var p = 0; p < points.Count; p++)
            {
                var prediction = refit.Loss(points[p].Parameters, points[p].Tokens);
                curve[p][b] = prediction;
                newRun[p][b] = prediction * Math.Exp(residuals[rng.NextIndex(n)]);
            }
        });

        var result = new List<LossInterval>(points.Count);
        for (var p = 0; p < points.Count; p++)
        {
            Array.Sort(curve[p]);
            Array.Sort(newRun[p]);
            result.Add(new LossInterval(points[p].Parameters, points[p].Tokens, law.Loss(points[p].Parameters, points[p].Tokens),
                Bootstrap.Percentile(curve[p], 0.025), Bootstrap.Percentile(curve[p], 0.975), Bootstrap.Percentile(newRun[p], 0.025), Bootstrap.Percentile(newRun[p], 0.975)));
        }

        return result;
    }

    // The same 9 starts as Bootstrap's: the fit, and alpha, beta scaled by 0.7 and 1.4 with A, B shifted to keep both terms at the mean log N, log D.
    private static double[] LocalStarts(double[] theta, double meanLogN, double meanLogD)
    {
        double[] scales = [1, 0.7, 1.4];
        var starts = new List<double>(45);
        foreach (var alphaScale in scales)
        {
            foreach (var betaScale in scales)
            {
                var alpha = theta[3] * alphaScale;
                var beta = theta[4] * betaScale;
                starts.AddRange([theta[0] + ((alpha - theta[3]) * meanLogN), theta[1] + ((beta - theta[4]) * meanLogD), theta[2], alpha, beta]);
            }
        }

        return [.. starts];
    }
}
