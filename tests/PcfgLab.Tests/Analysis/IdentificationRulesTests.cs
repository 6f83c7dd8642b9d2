using PcfgLab.Analysis;
using PcfgLab.Scaling;

namespace PcfgLab.Tests.Analysis;

public sealed class IdentificationRulesTests
{
    [Theory]
    [InlineData(1.0, 2.9, null)]
    [InlineData(1.0, 3.0, null)]
    [InlineData(0.84, 15.4, "95% interval 0.84 to 15.4 spans a factor 18.3")]
    [InlineData(-0.1, 1.0, "95% interval -0.1 to 1 reaches 0")]
    [InlineData(1e-40, 1.0, "95% interval 1E-40 to 1 spans a factor over 1000")]
    public void IntervalProblemStatesTheFactorRule(double lower, double upper, string? expected) =>
        Assert.Equal(expected, IdentificationRules.IntervalProblem(new ParameterInterval("alpha", 1, 0, lower, upper)));

    [Fact]
    public void AnExponentAtOrBelowZeroLeavesEveryExponentUnidentified()
    {
        var fit = new LawFit(new ChinchillaParameters(0.5, 1, 100, -0.44, 2.6)) { Intervals = Narrow(-0.44, 2.6) };

        var judged = IdentificationRules.Judge(fit, eFixed: false, competingOptimum: null);

        Assert.Equal(new string?[] { "alpha = -0.44 is at or below 0" }, judged.Where(e => e.Name != "E").Select(e => e.NotIdentified).Distinct());
    }

    [Fact]
    public void AFreeEAtItsBoundIsNotIdentified()
    {
        var fit = new LawFit(new ChinchillaParameters(1e-27, 100, 100, 0.8, 0.7)) { Intervals = Narrow(0.8, 0.7) };

        var judged = IdentificationRules.Judge(fit, eFixed: false, competingOptimum: null);

        Assert.All(judged, e => Assert.Equal("E at its bound 0", e.NotIdentified));
    }

    [Fact]
    public void ACompetingOptimumOutranksNarrowIntervals()
    {
        var fit = new LawFit(new ChinchillaParameters(1, 100, 100, 0.4, 0.3)) { Intervals = Narrow(0.4, 0.3) };

        var judged = IdentificationRules.Judge(fit, eFixed: true, competingOptimum: "two optima");

        Assert.True(judged[0].FixedAtFloor);
        Assert.False(judged[0].Identified);
        Assert.All(judged.Skip(1), e => Assert.Equal("two optima", e.NotIdentified));
        Assert.All(IdentificationRules.Judge(fit, eFixed: true, competingOptimum: null).Skip(1), e => Assert.True(e.Identified));
    }

    private static List<ParameterInterval> Narrow(double alpha, double beta)
    {
        var a = beta / (alpha + beta);
        return
        [
            new("E", 1, 0, 0.9, 1.1), new("A", 100, 0, 90, 110), new("B", 100, 0, 90, 110),
            new("alpha", alpha, 0, alpha * 0.9, alpha * 1.1), new("beta", beta, 0, beta * 0.9, beta * 1.1),
            new("a", a, 0, a * 0.9, a * 1.1), new("b", 1 - a, 0, (1 - a) * 0.9, (1 - a) * 1.1),
        ];
    }
}
