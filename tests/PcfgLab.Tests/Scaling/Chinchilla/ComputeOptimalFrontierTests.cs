using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed class ComputeOptimalFrontierTests
{
    [Fact]
    public void Allocation_minimises_the_loss_along_the_compute_constraint()
    {
        var law = ChinchillaParameters.Hoffmann2022;
        var frontier = new ComputeOptimalFrontier(law);
        const double C = 5.76e23;
        var n = frontier.OptimalParameters(C);
        var d = frontier.OptimalTokens(C);
        Assert.Equal(C, 6 * n * d, C * 1e-12);

        // Moving N by 1% either way along C = 6ND raises the loss.
        var best = law.Loss(n, d);
        Assert.True(law.Loss(n * 1.01, d / 1.01) > best);
        Assert.True(law.Loss(n / 1.01, d * 1.01) > best);
        Assert.Equal(best, frontier.OptimalLoss(C), 12);
    }

    [Fact]
    public void Closed_form_values_for_the_published_law()
    {
        // G = (0.34 * 406.4 / (0.28 * 410.7))^(1/0.62), a = 0.28/0.62, b = 0.34/0.62.
        var frontier = new ComputeOptimalFrontier(ChinchillaParameters.Hoffmann2022);
        var g = Math.Pow(0.34 * 406.4 / (0.28 * 410.7), 1 / 0.62);
        Assert.Equal(g, frontier.G, 12);
        Assert.Equal(0.28 / 0.62, frontier.ParameterExponent, 14);
        Assert.Equal(0.34 / 0.62, frontier.TokenExponent, 14);
        Assert.Equal(g * Math.Pow(1e21 / 6, 0.28 / 0.62), frontier.OptimalParameters(1e21), 1);
        Assert.Equal(frontier.OptimalTokens(1e21) / frontier.OptimalParameters(1e21), frontier.TokensPerParameter(1e21), 12);
    }
}
