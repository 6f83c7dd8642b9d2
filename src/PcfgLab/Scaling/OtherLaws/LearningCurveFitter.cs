namespace PcfgLab.Scaling;

/// <summary>Which run quantity a one-variable learning curve is a function of.</summary>
public enum ScalingVariable
{
    /// <summary>Training tokens D.</summary>
    Tokens,

    /// <summary>Parameters N.</summary>
    Parameters,
}

/// <summary>A one-variable learning curve L(X) = E + B / X^beta (Hestness et al. 2017), X = D or N.</summary>
/// <param name="E">Irreducible loss.</param>
/// <param name="B">Coefficient.</param>
/// <param name="Beta">Exponent.</param>
/// <param name="Variable">Whether X is D or N.</param>
public sealed record LearningCurveParameters(double E, double B, double Beta, ScalingVariable Variable)
{
    /// <summary>Predicted loss at X.</summary>
    public double Loss(double x) => E + (B / Math.Pow(x, Beta));

    /// <summary>Predicted loss of a run (its D or N).</summary>
    public double Loss(FitRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Loss(Variable == ScalingVariable.Tokens ? run.Tokens : run.Parameters);
    }
}

/// <summary>A fitted learning curve.</summary>
/// <param name="Parameters">E, B, beta.</param>
/// <param name="Objective">Sum of Huber losses of log residuals.</param>
/// <param name="Converged">Whether the best start ended at a stationary point.</param>
/// <param name="GradientNorm">Infinity norm of the gradient at the optimum.</param>
/// <param name="Runs">Runs fitted.</param>
/// <param name="Starts">Initialisations tried.</param>
/// <param name="Rmse">Root mean square error of L.</param>
/// <param name="MeanRelativeError">Mean of |L_hat - L| / L.</param>
public sealed record LearningCurveFit(LearningCurveParameters Parameters, double Objective, bool Converged, double GradientNorm, int Runs, int Starts, double Rmse, double MeanRelativeError);

/// <summary>Fits L(X) = E + B/X^beta with the Chinchilla machinery: log L = LSE(b - beta log X, e), Huber on log residuals, L-BFGS from a grid (b over the a/b grid, e over the e grid, beta over the beta grid: 150 starts by default).</summary>
public static class LearningCurveFitter
{
    /// <summary>Fits the curve of <paramref name="variable"/> to <paramref name="runs"/>.</summary>
    public static LearningCurveFit Fit(IReadOnlyList<FitRun> runs, ScalingVariable variable, FitOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(options);
        if (runs.Count <= 3)
        {
            throw new UserInputException($"the input has {runs.Count} usable runs; a learning-curve fit needs more than 3 (one per parameter plus one)");
        }

        var logX = new double[runs.Count];
        var logL = new double[runs.Count];
        for (var i = 0; i < runs.Count; i++)
        {
            logX[i] = Math.Log(variable == ScalingVariable.Tokens ? runs[i].Tokens : runs[i].Parameters);
            logL[i] = Math.Log(runs[i].Loss);
        }

        if (logX.All(x => x == logX[0]))
        {
            throw new UserInputException($"every run has the same {(variable == ScalingVariable.Tokens ? "token count D" : "parameter count N")}, so a learning curve in it cannot be fitted");
        }

        var starts = new List<double>();
        foreach (var b in options.LogBGrid)
        {
            foreach (var e in options.LogEGrid)
            {
                foreach (var beta in options.BetaGrid)
                {
                    starts.Add(b);
                    starts.Add(e);
                    starts.Add(beta);
                }
            }
        }

        var objective = new LearningCurveObjective(logX, logL, options.HuberDelta);
        var best = MultiStartMinimizer.Minimize(objective, [.. starts], options.MaxDegreeOfParallelism, cancellationToken);
        var parameters = new LearningCurveParameters(Math.Exp(best.Theta[1]), Math.Exp(best.Theta[0]), best.Theta[2], variable);
        var quality = GoodnessOfFit.Of(runs, parameters.Loss);
        return new LearningCurveFit(parameters, best.Objective, best.Converged, best.GradientNorm, runs.Count, best.Starts, quality.Rmse, quality.MeanRelativeError);
    }
}
