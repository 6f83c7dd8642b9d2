namespace PcfgLab.Tests.Base;

public sealed class ParameterTests
{
    [Theory]
    [InlineData("threads", "threads")]
    [InlineData("DocumentLength", "DocumentLength")]
    [InlineData("PredictionIntervalOptions.Resamples", "Resamples")]
    public void Shows_its_bare_name(string name, string shown) =>
        Assert.Equal(shown, new Parameter(name).ToString());
}
