namespace PcfgLab.Scaling;

/// <summary>
/// The Chinchilla law L(N, D) = E + A / N^alpha + B / D^beta (Hoffmann et al. 2022, equation 2).
/// </summary>
/// <param name="E">Irreducible loss.</param>
/// <param name="A">Parameter-term coefficient.</param>
/// <param name="B">Data-term coefficient.</param>
/// <param name="Alpha">Parameter exponent.</param>
/// <param name="Beta">Data exponent.</param>
public sealed record ChinchillaParameters(double E, double A, double B, double Alpha, double Beta)
{
    /// <summary>Hoffmann et al.'s published, rounded values: E = 1.69, A = 406.4, B = 410.7, alpha = 0.34, beta = 0.28.</summary>
    public static ChinchillaParameters Hoffmann2022 { get; } = new(1.69, 406.4, 410.7, 0.34, 0.28);

    /// <summary>Predicted loss at N parameters and D tokens.</summary>
    public double Loss(double parameters, double tokens) =>
        E + (A / Math.Pow(parameters, Alpha)) + (B / Math.Pow(tokens, Beta));

    /// <summary>The exponent a = beta / (alpha + beta) of N_opt proportional to C^a.</summary>
    public double ParameterAllocationExponent => Beta / (Alpha + Beta);

    /// <summary>The exponent b = alpha / (alpha + beta) of D_opt proportional to C^b.</summary>
    public double TokenAllocationExponent => Alpha / (Alpha + Beta);
}
