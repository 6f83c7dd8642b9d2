using PcfgLab.Reporting;

namespace PcfgLab.Tests.Reporting;

public sealed class LogAxisTests
{
    [Fact]
    public void Labels_show_the_value_not_its_logarithm()
    {
        Assert.Equal("100k", LogAxis.Count(1e5));
        Assert.Equal("1e18", LogAxis.Scientific(1e18));
        Assert.Equal("0.1", LogAxis.Plain(0.1));
        Assert.Equal(new[] { 2.0, 5.0 }, LogAxis.Log10([100, 1e5]));
    }

    [Fact]
    public void Apply_sets_a_log_minor_tick_generator_with_whole_power_major_ticks()
    {
        var plot = new ScottPlot.Plot();
        LogAxis.Apply(plot.Axes.Bottom, LogAxis.Count);

        var generator = Assert.IsType<ScottPlot.TickGenerators.NumericAutomatic>(plot.Axes.Bottom.TickGenerator);
        Assert.True(generator.IntegerTicksOnly);
        Assert.IsType<ScottPlot.TickGenerators.LogMinorTickGenerator>(generator.MinorTickGenerator);
        Assert.Equal("1M", generator.LabelFormatter(6));
    }
}
