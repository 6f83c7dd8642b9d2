namespace PcfgLab.Scaling;

/// <summary>A straight line x(H) = Slope H + Intercept in the compressibility H.</summary>
/// <param name="Slope">m = dx/dH.</param>
/// <param name="Intercept">n = x(0).</param>
public readonly record struct LineInH(double Slope, double Intercept)
{
    /// <summary>The line at <paramref name="compressibility"/>.</summary>
    public double At(double compressibility) => (Slope * compressibility) + Intercept;

    /// <summary>The line through (h0, x0) and (h1, x1).</summary>
    public static LineInH Through(double h0, double x0, double h1, double x1)
    {
        var slope = (x1 - x0) / (h1 - h0);
        return new LineInH(slope, x0 - (slope * h0));
    }
}

/// <summary>
/// The study's data-dependent law L(N, D, H) = E(H) + A(H)/N^alpha(H) + B(H)/D^beta(H) fitted jointly: E, alpha
/// and beta are straight lines in H; A and B are straight lines too, or with <see cref="LogLinearCoefficients"/>
/// log A and log B are (A = exp(m H + n)).
/// </summary>
/// <param name="E">E(H).</param>
/// <param name="A">A(H), or log A(H) when <paramref name="LogLinearCoefficients"/>.</param>
/// <param name="B">B(H), or log B(H) when <paramref name="LogLinearCoefficients"/>.</param>
/// <param name="Alpha">alpha(H).</param>
/// <param name="Beta">beta(H).</param>
/// <param name="LogLinearCoefficients">Whether <paramref name="A"/> and <paramref name="B"/> are lines in log A and log B.</param>
public sealed record JointLaw(LineInH E, LineInH A, LineInH B, LineInH Alpha, LineInH Beta, bool LogLinearCoefficients)
{
    /// <summary>Names of the five lines, in order.</summary>
    public static IReadOnlyList<string> LineNames { get; } = ["E", "A", "B", "alpha", "beta"];

    /// <summary>Names of the lines as reported: "log A" and "log B" for the log-linear variant.</summary>
    public IReadOnlyList<string> ReportedLineNames => LogLinearCoefficients ? ["E", "log A", "log B", "alpha", "beta"] : LineNames;

    /// <summary>The five lines in order E, A, B, alpha, beta.</summary>
    public IReadOnlyList<LineInH> Lines => [E, A, B, Alpha, Beta];

    /// <summary>The Chinchilla parameters at compressibility H.</summary>
    public ChinchillaParameters At(double compressibility) => new(
        E.At(compressibility),
        LogLinearCoefficients ? Math.Exp(A.At(compressibility)) : A.At(compressibility),
        LogLinearCoefficients ? Math.Exp(B.At(compressibility)) : B.At(compressibility),
        Alpha.At(compressibility),
        Beta.At(compressibility));

    /// <summary>L(N, D, H).</summary>
    public double Loss(double parameters, double tokens, double compressibility) => At(compressibility).Loss(parameters, tokens);

    /// <summary>
    /// Compute-optimal tokens per parameter D_opt/N_opt at compute C and compressibility H, or NaN where the law
    /// has no interior optimum there (a non-positive A, B, alpha or beta, which a line can reach outside the data's H).
    /// </summary>
    public double TokensPerParameter(double flops, double compressibility)
    {
        var p = At(compressibility);
        return HasFrontier(p) ? new ComputeOptimalFrontier(p).TokensPerParameter(flops) : double.NaN;
    }

    /// <summary>The allocation exponent a(H) = beta/(alpha + beta) of N_opt proportional to C^a, or NaN as above.</summary>
    public double AllocationExponent(double compressibility)
    {
        var p = At(compressibility);
        return HasFrontier(p) ? p.ParameterAllocationExponent : double.NaN;
    }

    internal static bool HasFrontier(ChinchillaParameters p) => p.A > 0 && p.B > 0 && p.Alpha > 0 && p.Beta > 0;
}
