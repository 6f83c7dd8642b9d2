namespace PcfgLab.Scaling;

/// <summary>
/// The compute-optimal allocation of a Chinchilla law under C = 6ND: with G = (alpha A / (beta B))^(1/(alpha+beta)),
/// a = beta/(alpha+beta) and b = alpha/(alpha+beta), N_opt(C) = G (C/6)^a and D_opt(C) = (C/6)^b / G
/// (Hoffmann et al. 2022, appendix D.2).
/// </summary>
public sealed class ComputeOptimalFrontier
{
    /// <summary>Creates the frontier of <paramref name="law"/>.</summary>
    public ComputeOptimalFrontier(ChinchillaParameters law)
    {
        ArgumentNullException.ThrowIfNull(law);
        Law = law;
        var sum = law.Alpha + law.Beta;
        G = Math.Pow(law.Alpha * law.A / (law.Beta * law.B), 1.0 / sum);
        ParameterExponent = law.Beta / sum;
        TokenExponent = law.Alpha / sum;
    }

    /// <summary>The law.</summary>
    public ChinchillaParameters Law { get; }

    /// <summary>G = (alpha A / (beta B))^(1/(alpha+beta)).</summary>
    public double G { get; }

    /// <summary>a = beta / (alpha + beta): N_opt grows as C^a.</summary>
    public double ParameterExponent { get; }

    /// <summary>b = alpha / (alpha + beta): D_opt grows as C^b.</summary>
    public double TokenExponent { get; }

    /// <summary>N_opt(C) = G (C/6)^a.</summary>
    public double OptimalParameters(double flops) => G * Math.Pow(flops / 6, ParameterExponent);

    /// <summary>D_opt(C) = (C/6)^b / G.</summary>
    public double OptimalTokens(double flops) => Math.Pow(flops / 6, TokenExponent) / G;

    /// <summary>D_opt / N_opt at compute C.</summary>
    public double TokensPerParameter(double flops) => OptimalTokens(flops) / OptimalParameters(flops);

    /// <summary>The loss at the optimal allocation of compute C.</summary>
    public double OptimalLoss(double flops) => Law.Loss(OptimalParameters(flops), OptimalTokens(flops));
}
