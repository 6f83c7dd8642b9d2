using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed class DataDependentLawTests
{
    private static readonly CompressibilityRegression Regression = CompressibilityRegression.Fit(CompressibilityRegressionTests.ExactLinearLaws());

    [Fact]
    public void Parameters_follow_the_lines_and_blend_with_the_reference()
    {
        var law = new DataDependentLaw(Regression);
        Assert.Equal(1.8, law.At(0.4).E, 12);
        Assert.Equal(380, law.At(0.4).A, 9);
        var reference = ChinchillaParameters.Hoffmann2022;
        var blended = new DataDependentLaw(Regression, reference, epsilon: 0.25).At(0.4);

        // x = (1 - eps) x' + eps x(H).
        Assert.Equal((0.75 * reference.E) + (0.25 * 1.8), blended.E, 12);
        Assert.Equal((0.75 * reference.Beta) + (0.25 * 0.32), blended.Beta, 12);
        Assert.Equal(blended.Loss(1e9, 2e10), new DataDependentLaw(Regression, reference, 0.25).Loss(1e9, 2e10, 0.4), 12);
    }

    [Fact]
    public void Allocation_exponent_crossing_is_where_a_of_h_equals_the_reference()
    {
        // a(H) = beta/(alpha+beta) with alpha = 0.1 H + 0.3, beta = 0.4 - 0.2 H: a(H) = a_ref at
        // (0.4 - 0.2 H)(1 - a_ref) = a_ref (0.3 + 0.1 H), i.e. H = (0.4 - 0.7 a_ref) / (0.2 - 0.1 a_ref).
        var reference = ChinchillaParameters.Hoffmann2022;
        var aRef = reference.ParameterAllocationExponent;
        var crossing = Assert.Single(new DataDependentLaw(Regression, reference).AllocationExponentCrossings(0, 2));
        Assert.Equal((0.4 - (0.7 * aRef)) / (0.2 - (0.1 * aRef)), crossing, 1e-9);
    }

    [Fact]
    public void Tokens_per_parameter_crossing_matches_the_reference_at_that_h()
    {
        var reference = ChinchillaParameters.Hoffmann2022;
        var law = new DataDependentLaw(Regression, reference);
        var h = Assert.Single(law.TokensPerParameterCrossings(1e21, 0, 1));
        Assert.Equal(new ComputeOptimalFrontier(reference).TokensPerParameter(1e21), law.Frontier(h).TokensPerParameter(1e21), 1e-6);
    }
}
