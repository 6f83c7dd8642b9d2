namespace PcfgLab.Scaling;

/// <summary>
/// Kaplan et al. 2020's joint law L(N, D) = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D (their equation 1.5): no
/// irreducible term, so the loss falls to 0 with N and D.
/// </summary>
/// <param name="Nc">N_c.</param>
/// <param name="Dc">D_c.</param>
/// <param name="AlphaN">alpha_N.</param>
/// <param name="AlphaD">alpha_D.</param>
public sealed record KaplanParameters(double Nc, double Dc, double AlphaN, double AlphaD)
{
    /// <summary>Kaplan et al.'s published values: N_c = 6.4e13, D_c = 1.8e13, alpha_N = 0.076, alpha_D = 0.103 (their Table 2, for L(N, D)).</summary>
    public static KaplanParameters Kaplan2020 { get; } = new(6.4e13, 1.8e13, 0.076, 0.103);

    /// <summary>Predicted loss.</summary>
    public double Loss(double parameters, double tokens) =>
        Math.Pow(Math.Pow(Nc / parameters, AlphaN / AlphaD) + (Dc / tokens), AlphaD);
}

/// <summary>A Kaplan fit.</summary>
/// <param name="Parameters">The law.</param>
/// <param name="Objective">Sum of Huber losses of the log residuals.</param>
/// <param name="Converged">Whether the best start converged.</param>
/// <param name="Runs">Runs fitted.</param>
/// <param name="Starts">Starts tried.</param>
/// <param name="Rmse">RMSE of L.</param>
/// <param name="MeanRelativeError">Mean |L_hat - L| / L.</param>
public sealed record KaplanFit(KaplanParameters Parameters, double Objective, bool Converged, int Runs, int Starts, double Rmse, double MeanRelativeError);

/// <summary>
/// Fits Kaplan et al.'s L(N, D) with the objective and optimiser of <see cref="ChinchillaFitter"/>: log L_hat =
/// alpha_D LSE((alpha_N/alpha_D)(log N_c - log N), log D_c - log D), from a 256-start grid (alpha_N, alpha_D in
/// {0.05, 0.1, 0.3, 0.6}, log N_c, log D_c in {5, 15, 25, 35}).
/// </summary>
public static class KaplanFitter
{
    /// <summary>Fits the law.</summary>
    /// <exception cref="UserInputException">Too few runs, or one N or one D.</exception>
    public static KaplanFit Fit(IReadOnlyList<FitRun> runs, FitOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ChinchillaFitter.Validate(runs, "the input");
        var logN = runs.Select(r => Math.Log(r.Parameters)).ToArray();
        var logD = runs.Select(r => Math.Log(r.Tokens)).ToArray();
        var logL = runs.Select(r => Math.Log(r.Loss)).ToArray();
        var objective = new KaplanObjective(logN, logD, logL, options.HuberDelta);
        double[] exponents = [0.05, 0.1, 0.3, 0.6];
        double[] logs = [5, 15, 25, 35];
        var starts = new List<double>();
        foreach (var an in exponents)
        {
            foreach (var ad in exponents)
            {
                foreach (var lnc in logs)
                {
                    foreach (var ldc in logs)
                    {
                        starts.AddRange([lnc, ldc, an, ad]);
                    }
                }
            }
        }

        // Screened: 100 iterations per start, then the best 16 run to convergence (the plain multi-start spends most of its time on starts far from any optimum).
        var best = ScreenedMultiStart.Minimize(objective, [.. starts], 100, 16, options.MaxDegreeOfParallelism, cancellationToken);
        var law = new KaplanParameters(Math.Exp(best.Theta[0]), Math.Exp(best.Theta[1]), best.Theta[2], best.Theta[3]);
        var quality = GoodnessOfFit.Of(runs, r => law.Loss(r.Parameters, r.Tokens));
        return new KaplanFit(law, best.Objective, best.Converged, runs.Count, best.Starts, quality.Rmse, quality.MeanRelativeError);
    }
}

/// <summary>theta = (log N_c, log D_c, alpha_N, alpha_D); log L_hat = alpha_D LSE(u1, u2), u1 = (alpha_N/alpha_D)(log N_c - log N), u2 = log D_c - log D.</summary>
internal sealed class KaplanObjective(double[] logN, double[] logD, double[] logLoss, double delta) : HuberLogObjective(logLoss, delta)
{
    public override int Dimension => 4;

    public override double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        double lnc = theta[0], ldc = theta[1], an = theta[2], ad = theta[3];
        if (ad == 0)
        {
            gradient[..4].Fill(double.NaN);
            return double.NaN;
        }

        var ratio = an / ad;
        double total = 0, g0 = 0, g1 = 0, g2 = 0, g3 = 0;
        for (var i = 0; i < logN.Length; i++)
        {
            var x = lnc - logN[i];
            var u1 = ratio * x;
            var u2 = ldc - logD[i];
            var m = Math.Max(u1, u2);
            var e1 = Math.Exp(u1 - m);
            var e2 = Math.Exp(u2 - m);
            var sum = e1 + e2;
            var s = m + Math.Log(sum);
            var r = (ad * s) - LogLoss[i];
            total += Huber(r, Delta);
            var dh = HuberDerivative(r, Delta);
            var w1 = e1 / sum;
            var w2 = e2 / sum;
            g0 += dh * an * w1;
            g1 += dh * ad * w2;
            g2 += dh * w1 * x;
            g3 += dh * (s - (w1 * u1));
        }

        gradient[0] = g0;
        gradient[1] = g1;
        gradient[2] = g2;
        gradient[3] = g3;
        return total;
    }

    public override double LogPrediction(ReadOnlySpan<double> theta, int run)
    {
        var u1 = theta[2] / theta[3] * (theta[0] - logN[run]);
        var u2 = theta[1] - logD[run];
        var m = Math.Max(u1, u2);
        return theta[3] * (m + Math.Log(Math.Exp(u1 - m) + Math.Exp(u2 - m)));
    }
}
