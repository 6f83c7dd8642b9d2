namespace PcfgLab.Scaling;

/// <summary>
/// The data-dependent law L(N, D, H): Chinchilla parameters that depend linearly on the gzip compressibility H
/// (from <see cref="CompressibilityRegression"/>), optionally blended with a reference law as in the study:
/// x = (1 - epsilon) x' + epsilon x(H) for each parameter, x' the reference's (epsilon = 1: no blending).
/// </summary>
public sealed class DataDependentLaw
{
    /// <summary>Creates the law.</summary>
    /// <param name="regression">The per-parameter regressions on H.</param>
    /// <param name="reference">Reference law x' for blending and crossings (default Hoffmann et al.'s published values).</param>
    /// <param name="epsilon">Blend weight of the data-dependent part (1 = no blending).</param>
    public DataDependentLaw(CompressibilityRegression regression, ChinchillaParameters? reference = null, double epsilon = 1)
    {
        ArgumentNullException.ThrowIfNull(regression);
        if (!double.IsFinite(epsilon))
        {
            throw UserInputException.ForParameters($"{new Parameter("epsilon")} {epsilon}: the blend weight must be a finite number (1 = no blending)");
        }

        Regression = regression;
        Reference = reference ?? ChinchillaParameters.Hoffmann2022;
        Epsilon = epsilon;
    }

    /// <summary>The regressions.</summary>
    public CompressibilityRegression Regression { get; }

    /// <summary>The reference law.</summary>
    public ChinchillaParameters Reference { get; }

    /// <summary>The blend weight.</summary>
    public double Epsilon { get; }

    /// <summary>The (blended) parameters at compressibility H.</summary>
    public ChinchillaParameters At(double compressibility)
    {
        var x = Regression.At(compressibility);
        var r = Reference;
        var w = Epsilon;
        return new ChinchillaParameters(
            ((1 - w) * r.E) + (w * x.E),
            ((1 - w) * r.A) + (w * x.A),
            ((1 - w) * r.B) + (w * x.B),
            ((1 - w) * r.Alpha) + (w * x.Alpha),
            ((1 - w) * r.Beta) + (w * x.Beta));
    }

    /// <summary>L(N, D, H).</summary>
    public double Loss(double parameters, double tokens, double compressibility) => At(compressibility).Loss(parameters, tokens);

    /// <summary>The compute-optimal frontier at compressibility H.</summary>
    public ComputeOptimalFrontier Frontier(double compressibility) => new(At(compressibility));

    /// <summary>
    /// The values of H in [<paramref name="low"/>, <paramref name="high"/>] where the frontier's allocation exponent
    /// a(H) = beta(H)/(alpha(H)+beta(H)) equals the reference's (sign changes on a 10,000-step scan, refined by bisection).
    /// </summary>
    public IReadOnlyList<double> AllocationExponentCrossings(double low = 0, double high = 1)
    {
        var target = Reference.ParameterAllocationExponent;
        return RootScan.Roots(h => At(h).ParameterAllocationExponent - target, low, high, RootScan.FineSteps);
    }

    /// <summary>The values of H in the range where tokens per parameter D_opt/N_opt at compute C equals the reference's.</summary>
    public IReadOnlyList<double> TokensPerParameterCrossings(double flops, double low = 0, double high = 1)
    {
        var target = Math.Log(new ComputeOptimalFrontier(Reference).TokensPerParameter(flops));
        return RootScan.Roots(h => Math.Log(Frontier(h).TokensPerParameter(flops)) - target, low, high, RootScan.FineSteps);
    }
}
