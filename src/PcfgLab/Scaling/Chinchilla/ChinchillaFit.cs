namespace PcfgLab.Scaling;

/// <summary>A fitted Chinchilla law with the quality of its optimisation and of its fit.</summary>
/// <param name="Parameters">E, A, B, alpha, beta.</param>
/// <param name="Objective">Sum over runs of Huber_delta(log prediction - log L) at the optimum.</param>
/// <param name="Converged">Whether the best start ended at a stationary point (gradient test).</param>
/// <param name="GradientNorm">Infinity norm of the objective's gradient in (a, b, e, alpha, beta) at the optimum.</param>
/// <param name="Runs">Number of runs fitted.</param>
/// <param name="Starts">Number of initialisations tried.</param>
/// <param name="ConvergedStarts">Initialisations whose L-BFGS run ended at a stationary point.</param>
/// <param name="BestStart">Index of the winning initialisation.</param>
/// <param name="Rmse">Root mean square error of L (loss units).</param>
/// <param name="MeanRelativeError">Mean of |L_hat - L| / L.</param>
public sealed record ChinchillaFit(
    ChinchillaParameters Parameters,
    double Objective,
    bool Converged,
    double GradientNorm,
    int Runs,
    int Starts,
    int ConvergedStarts,
    int BestStart,
    double Rmse,
    double MeanRelativeError);
