namespace PcfgLab.Scaling;

/// <summary>
/// Muennighoff et al. 2023's data-constrained law, in its data-repetition part: L = E + A/N^alpha + B/D'^beta with the
/// effective data D' = U + U R* (1 - exp(-R/R*)), where U is the unique tokens, R = max(D/U - 1, 0) the repetitions
/// beyond the first epoch and R* the number of repetitions after which repeated data is worth 1/e of fresh data.
/// </summary>
/// <param name="Law">E, A, B, alpha, beta.</param>
/// <param name="RepetitionScale">R*.</param>
public sealed record DataConstrainedParameters(ChinchillaParameters Law, double RepetitionScale)
{
    /// <summary>Effective tokens D' of D tokens drawn from U unique ones.</summary>
    public double EffectiveTokens(double tokens, double uniqueTokens)
    {
        var repetitions = Math.Max(tokens / uniqueTokens - 1, 0);
        return uniqueTokens + (uniqueTokens * RepetitionScale * (1 - Math.Exp(-repetitions / RepetitionScale)));
    }

    /// <summary>Predicted loss.</summary>
    public double Loss(double parameters, double tokens, double uniqueTokens) => Law.Loss(parameters, EffectiveTokens(tokens, uniqueTokens));
}

/// <summary>A data-constrained fit.</summary>
/// <param name="Parameters">The law.</param>
/// <param name="Objective">Sum of Huber losses of the log residuals.</param>
/// <param name="Converged">Whether the best start converged.</param>
/// <param name="Starts">Starts tried.</param>
/// <param name="MeanRelativeError">Mean |L_hat - L| / L.</param>
public sealed record DataConstrainedFit(DataConstrainedParameters Parameters, double Objective, bool Converged, int Starts, double MeanRelativeError);

/// <summary>
/// Fits <see cref="DataConstrainedParameters"/> with the Chinchilla objective (Huber on log L, LSE form) in
/// (log A, log B, log E, alpha, beta, log R*), from the 243-point grid of <see cref="ExtrapolationOptions.Fit"/> times
/// R* in {5, 15, 50} (Muennighoff et al. fit R* = 15.4), screened as <see cref="KaplanFitter"/>.
/// </summary>
public static class DataConstrainedFitter
{
    /// <summary>Fits runs whose unique tokens are given by <paramref name="uniqueTokens"/>.</summary>
    /// <exception cref="UserInputException">Too few runs, one N or D, or a non-positive unique-token count.</exception>
    public static DataConstrainedFit Fit(IReadOnlyList<FitRun> runs, Func<FitRun, double> uniqueTokens, FitOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uniqueTokens);
        ArgumentNullException.ThrowIfNull(options);
        ChinchillaFitter.Validate(runs, "the input");
        var u = runs.Select(uniqueTokens).ToArray();
        if (u.Any(x => !(x > 0) || !double.IsFinite(x)))
        {
            throw UserInputException.ForParameters($"{new Parameter("UniqueTokens")}: every run needs a positive number of unique tokens");
        }

        var objective = new DataConstrainedObjective(
            [.. runs.Select(r => Math.Log(r.Parameters))], [.. runs.Select(r => r.Tokens)], u, [.. runs.Select(r => Math.Log(r.Loss))], options.HuberDelta);
        var grid = ChinchillaFitter.BuildGrid(new ExtrapolationOptions().Fit);
        var starts = new List<double>();
        foreach (var rs in new[] { Math.Log(5), Math.Log(15), Math.Log(50) })
        {
            for (var k = 0; k < grid.Length; k += 5)
            {
                starts.AddRange([grid[k], grid[k + 1], grid[k + 2], grid[k + 3], grid[k + 4], rs]);
            }
        }

        var best = ScreenedMultiStart.Minimize(objective, [.. starts], 100, 16, options.MaxDegreeOfParallelism, cancellationToken);
        var law = new DataConstrainedParameters(ChinchillaFitter.FromTheta(best.Theta), Math.Exp(best.Theta[5]));
        double relative = 0;
        for (var i = 0; i < runs.Count; i++)
        {
            relative += Math.Abs(law.Loss(runs[i].Parameters, runs[i].Tokens, u[i]) - runs[i].Loss) / runs[i].Loss / runs.Count;
        }

        return new DataConstrainedFit(law, best.Objective, best.Converged, best.Starts, relative);
    }
}

/// <summary>theta = (a, b, e, alpha, beta, log R*); log L_hat = LSE(a - alpha log N, b - beta log D', e).</summary>
internal sealed class DataConstrainedObjective(double[] logN, double[] tokens, double[] unique, double[] logLoss, double delta) : HuberLogObjective(logLoss, delta)
{
    public override int Dimension => 6;

    public override double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        double a = theta[0], b = theta[1], e = theta[2], alpha = theta[3], beta = theta[4];
        var rStar = Math.Exp(theta[5]);
        double total = 0, ga = 0, gb = 0, ge = 0, galpha = 0, gbeta = 0, grs = 0;
        for (var i = 0; i < logN.Length; i++)
        {
            var (logEffective, dLogEffective) = Effective(tokens[i], unique[i], rStar);
            var t1 = a - (alpha * logN[i]);
            var t2 = b - (beta * logEffective);
            var m = Math.Max(Math.Max(t1, t2), e);
            var x1 = Math.Exp(t1 - m);
            var x2 = Math.Exp(t2 - m);
            var x3 = Math.Exp(e - m);
            var s = x1 + x2 + x3;
            var r = m + Math.Log(s) - LogLoss[i];
            total += Huber(r, Delta);
            var scale = HuberDerivative(r, Delta) / s;
            ga += x1 * scale;
            gb += x2 * scale;
            ge += x3 * scale;
            galpha -= x1 * scale * logN[i];
            gbeta -= x2 * scale * logEffective;
            grs -= x2 * scale * beta * dLogEffective;
        }

        gradient[0] = ga;
        gradient[1] = gb;
        gradient[2] = ge;
        gradient[3] = galpha;
        gradient[4] = gbeta;
        gradient[5] = grs;
        return total;
    }

    public override double LogPrediction(ReadOnlySpan<double> theta, int run)
    {
        var (logEffective, _) = Effective(tokens[run], unique[run], Math.Exp(theta[5]));
        return ChinchillaObjective.LogSumExp(theta[0] - (theta[3] * logN[run]), theta[1] - (theta[4] * logEffective), theta[2]);
    }

    /// <summary>log D' and its derivative in log R*.</summary>
    private static (double LogEffective, double Derivative) Effective(double tokens, double unique, double rStar)
    {
        var repetitions = Math.Max((tokens / unique) - 1, 0);
        var x = repetitions / rStar;
        var decay = Math.Exp(-x);
        var effective = unique + (unique * rStar * (1 - decay));

        // dD'/dR* = U ((1 - e^-x) - x e^-x), and d/d log R* = R* dD'/dR*.
        var dEffective = rStar * unique * ((1 - decay) - (x * decay));
        return (Math.Log(effective), dEffective / effective);
    }
}
