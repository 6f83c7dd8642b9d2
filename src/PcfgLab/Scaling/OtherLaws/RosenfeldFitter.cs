namespace PcfgLab.Scaling;

/// <summary>
/// The joint form of Rosenfeld et al. 2020 in their notation: eps(n, m) = a n^-alpha + b m^-beta + c_inf with n the data
/// size (here D) and m the model size (here N), seen through the envelope eps_hat = eps0 |eps / (eps - i eta)| with
/// complex eta = EtaReal + i EtaImaginary. Writing it out, eps - i eta = (eps + EtaImaginary) - i EtaReal, so
/// eps_hat = eps0 eps / sqrt((eps + EtaImaginary)^2 + EtaReal^2): about eps0 eps / |eta| while eps is small (the power
/// law region) and tending to the random-guess error eps0 as eps grows (small data and models).
/// </summary>
/// <param name="A">Data-term coefficient a.</param>
/// <param name="Alpha">Data exponent alpha (on n = D).</param>
/// <param name="B">Model-term coefficient b.</param>
/// <param name="Beta">Model exponent beta (on m = N).</param>
/// <param name="CInfinity">c_inf.</param>
/// <param name="EtaReal">Real part of eta.</param>
/// <param name="EtaImaginary">Imaginary part of eta.</param>
/// <param name="Eps0">Random-guess error eps0 (given, not fitted; for language models ln of the vocabulary size).</param>
public sealed record RosenfeldParameters(double A, double Alpha, double B, double Beta, double CInfinity, double EtaReal, double EtaImaginary, double Eps0)
{
    /// <summary>eps(n, m) before the envelope.</summary>
    public double PowerLaw(double parameters, double tokens) =>
        (A * Math.Pow(tokens, -Alpha)) + (B * Math.Pow(parameters, -Beta)) + CInfinity;

    /// <summary>eps_hat(n, m): the predicted loss.</summary>
    public double Loss(double parameters, double tokens)
    {
        var eps = PowerLaw(parameters, tokens);
        var shifted = eps + EtaImaginary;
        return Eps0 * eps / Math.Sqrt((shifted * shifted) + (EtaReal * EtaReal));
    }
}

/// <summary>A fitted Rosenfeld law.</summary>
/// <param name="Parameters">The parameters.</param>
/// <param name="Objective">Sum of Huber losses of log residuals.</param>
/// <param name="Converged">Whether the best start ended at a stationary point.</param>
/// <param name="GradientNorm">Infinity norm of the gradient at the optimum.</param>
/// <param name="Runs">Runs fitted.</param>
/// <param name="Starts">Initialisations tried.</param>
/// <param name="Rmse">Root mean square error of L.</param>
/// <param name="MeanRelativeError">Mean of |L_hat - L| / L.</param>
public sealed record RosenfeldFit(RosenfeldParameters Parameters, double Objective, bool Converged, double GradientNorm, int Runs, int Starts, double Rmse, double MeanRelativeError);

/// <summary>
/// Fits the Rosenfeld form with the Chinchilla machinery (Huber on log residuals, L-BFGS, multi-start) in
/// (log a, log b, log c_inf, alpha, beta, eta_re, eta_im). Grid: log a, log b in {0, 5, 10, 15}; log c_inf in {-1, 0, 1};
/// alpha, beta in {0.25, 0.5, 1}; eta_re in {eps0/2, eps0, 2 eps0}; eta_im = 0 (1296 starts). eta_re's sign is not
/// identifiable (only its square enters); it is reported as |eta_re|. Multiplying a, b, c_inf and eta by one factor
/// leaves eps_hat unchanged, so only the exponents and the ratios a/c_inf, b/c_inf, eta/c_inf are identified: the
/// fitted scale is the one the best start reached.
/// </summary>
public static class RosenfeldFitter
{
    /// <summary>Fits the form to <paramref name="runs"/> with random-guess error <paramref name="eps0"/>.</summary>
    public static RosenfeldFit Fit(IReadOnlyList<FitRun> runs, double eps0, FitOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(options);
        if (!(eps0 > 0) || !double.IsFinite(eps0))
        {
            throw UserInputException.ForParameters($"{new Parameter("eps0")} {eps0}: the random-guess error must be positive (for language models, ln of the vocabulary size)");
        }

        ChinchillaFitter.Validate(runs, "the input");
        if (runs.Count <= 7)
        {
            throw new UserInputException($"the input has {runs.Count} usable runs; a Rosenfeld fit needs more than 7 (one per parameter plus one)");
        }

        var logD = new double[runs.Count];
        var logN = new double[runs.Count];
        var logL = new double[runs.Count];
        for (var i = 0; i < runs.Count; i++)
        {
            logD[i] = Math.Log(runs[i].Tokens);
            logN[i] = Math.Log(runs[i].Parameters);
            logL[i] = Math.Log(runs[i].Loss);
        }

        var starts = new List<double>();
        double[] logCoefficients = [0, 5, 10, 15];
        double[] logC = [-1, 0, 1];
        double[] exponents = [0.25, 0.5, 1];
        double[] etas = [eps0 / 2, eps0, 2 * eps0];
        foreach (var la in logCoefficients)
        {
            foreach (var lb in logCoefficients)
            {
                foreach (var lc in logC)
                {
                    foreach (var alpha in exponents)
                    {
                        foreach (var beta in exponents)
                        {
                            foreach (var eta in etas)
                            {
                                starts.AddRange([la, lb, lc, alpha, beta, eta, 0]);
                            }
                        }
                    }
                }
            }
        }

        var objective = new RosenfeldObjective(logD, logN, logL, eps0, options.HuberDelta);
        var best = MultiStartMinimizer.Minimize(objective, [.. starts], options.MaxDegreeOfParallelism, cancellationToken);
        var t = best.Theta;
        var parameters = new RosenfeldParameters(Math.Exp(t[0]), t[3], Math.Exp(t[1]), t[4], Math.Exp(t[2]), Math.Abs(t[5]), t[6], eps0);
        var quality = GoodnessOfFit.Of(runs, r => parameters.Loss(r.Parameters, r.Tokens));
        return new RosenfeldFit(parameters, best.Objective, best.Converged, best.GradientNorm, runs.Count, best.Starts, quality.Rmse, quality.MeanRelativeError);
    }
}
