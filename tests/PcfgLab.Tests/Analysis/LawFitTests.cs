using PcfgLab.Analysis;

namespace PcfgLab.Tests.Analysis;

public sealed class LawFitTests
{
    [Theory]
    [InlineData(1e18)]
    [InlineData(5.76e23)]
    public void The_optimum_spends_exactly_the_compute_and_no_nearby_split_has_lower_loss(double flops)
    {
        var law = LawFit.Chinchilla;
        var n = law.OptimalParameters(flops);
        var d = law.OptimalTokens(flops);

        Assert.Equal(flops, 6 * n * d, flops * 1e-12);
        var best = law.Loss(n, d);
        foreach (var factor in new[] { 0.8, 0.95, 1.05, 1.25 })
        {
            Assert.True(law.Loss(n * factor, d / factor) > best, $"factor {factor}");
        }

        Assert.Equal(d / n, law.TokensPerParameter(flops), 1e-9 * d / n);
    }

    [Fact]
    public void Chinchilla_is_hoffmann_et_al()
    {
        Assert.Equal(new[] { ("E", 1.69), ("A", 406.4), ("B", 410.7), ("alpha", 0.34), ("beta", 0.28) }, LawFit.Chinchilla.Named());
    }
}
