namespace PcfgLab.Reporting;

/// <summary>
/// A fitted Chinchilla law L(N, D) = E + A / N^alpha + B / D^beta with its compute-optimal allocation: minimising L
/// at fixed compute C = 6 N D gives N_opt = G (C/6)^(beta/(alpha+beta)) and D_opt = (C/6)^(alpha/(alpha+beta)) / G
/// with G = (alpha A / (beta B))^(1/(alpha+beta)) (Hoffmann et al. 2022, appendix D.2).
/// </summary>
/// <param name="E">Irreducible loss (nats per token).</param>
/// <param name="A">Parameter-term coefficient.</param>
/// <param name="B">Data-term coefficient.</param>
/// <param name="Alpha">Parameter exponent.</param>
/// <param name="Beta">Data exponent.</param>
public sealed record LawFit(double E, double A, double B, double Alpha, double Beta)
{
    /// <summary>Hoffmann et al.'s published Chinchilla law: E = 1.69, A = 406.4, B = 410.7, alpha = 0.34, beta = 0.28.</summary>
    public static LawFit Chinchilla { get; } = new(1.69, 406.4, 410.7, 0.34, 0.28);

    /// <summary>Root mean square error of the fit on its runs (loss units), when known.</summary>
    public double? Rmse { get; init; }

    /// <summary>Runs the law was fitted on.</summary>
    public int Runs { get; init; }

    /// <summary>Whether the optimiser ended at a stationary point.</summary>
    public bool Converged { get; init; } = true;

    /// <summary>Predicted loss at N parameters and D tokens.</summary>
    public double Loss(double parameters, double tokens) =>
        E + (A / Math.Pow(parameters, Alpha)) + (B / Math.Pow(tokens, Beta));

    /// <summary>G = (alpha A / (beta B))^(1/(alpha+beta)).</summary>
    public double AllocationConstant => Math.Pow(Alpha * A / (Beta * B), 1.0 / (Alpha + Beta));

    /// <summary>Compute-optimal parameters at compute <paramref name="flops"/>.</summary>
    public double OptimalParameters(double flops) => AllocationConstant * Math.Pow(flops / 6.0, Beta / (Alpha + Beta));

    /// <summary>Compute-optimal tokens at compute <paramref name="flops"/>.</summary>
    public double OptimalTokens(double flops) => Math.Pow(flops / 6.0, Alpha / (Alpha + Beta)) / AllocationConstant;

    /// <summary>Compute-optimal tokens per parameter, D_opt / N_opt, at compute <paramref name="flops"/>.</summary>
    public double TokensPerParameter(double flops) => OptimalTokens(flops) / OptimalParameters(flops);

    /// <summary>The five parameters by name, in the order E, A, B, alpha, beta.</summary>
    public IReadOnlyList<(string Name, double Value)> Named() =>
        [("E", E), ("A", A), ("B", B), ("alpha", Alpha), ("beta", Beta)];
}
