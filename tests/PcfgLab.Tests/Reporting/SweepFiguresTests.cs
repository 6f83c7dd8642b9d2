using PcfgLab.Analysis;
using PcfgLab.Reporting;
using PcfgLab.Scaling;
using PcfgLab.Sweeps;
using PcfgLab.Tests.TestSupport;
using ScottPlot;

namespace PcfgLab.Tests.Reporting;

public sealed class SweepFiguresTests
{
    private static readonly TrainingRecord[] Runs =
    [
        StudyReports.Record("d", "a", 1000, 100_000, 2.0),
        StudyReports.Record("d", "b", 8000, 3_000_000, 1.5),
    ];

    /// <summary>The committed CPU grid's gzipscale-0.11 law (alpha &lt; 0: no frontier) and an ordinary one.</summary>
    private static readonly DatasetResults NoFrontier = new("gzipscale-0.11", 0.1133, 0.0039, null, Runs, new LawFit(new ChinchillaParameters(0.4898, 4.2e-6, 2.9e11, -0.4427, 2.6172)), null,
        new DatasetFloorInfo(0.4910, 0.4901, 0.4918, 0.4908, null, null));

    private static readonly DatasetResults Ordinary = new("gzipscale-0.35", 0.3770, 0.0143, [0.36, 0.37, 0.378, 0.379, 0.39], Runs, new LawFit(new ChinchillaParameters(1.04, 3277, 81907, 1.12, 1.0)), null,
        new DatasetFloorInfo(1.1086, 1.1049, 1.1123, 1.1104, null, null));

    private static IEnumerable<string> Legends(Plot plot) =>
        plot.GetPlottables().OfType<IHasLegendText>().Select(p => p.LegendText).Where(t => !string.IsNullOrEmpty(t));

    public static TheoryData<string> FigureNames() => new("gzip", "loss", "frontier-parameters", "frontier-tokens", "tokens-per-parameter", "E", "beta");

    private static Plot Figure(string name)
    {
        DatasetResults[] both = [NoFrontier, Ordinary];
        var trend = new ParameterTrend("beta", 2.694, -3.898, 0.0063, 0.873, 2);
        return name switch
        {
            "gzip" => SweepFigures.GzipDistribution(both),
            "loss" => SweepFigures.LossCurves(Ordinary, false),
            "frontier-parameters" => SweepFigures.ParameterFrontier(both, 1e9, 1e12, false),
            "frontier-tokens" => SweepFigures.TokenFrontier(both, 1e9, 1e12, false),
            "tokens-per-parameter" => SweepFigures.TokensPerParameter(both, 1e12, false),
            "E" => SweepFigures.ParameterAgainstCompressibility(both, "E", trend with { Parameter = "E" }, false),
            _ => SweepFigures.ParameterAgainstCompressibility(both, "beta", trend, false),
        };
    }

    [Theory]
    [MemberData(nameof(FigureNames))]
    public void Every_legend_is_outside_the_data_area(string name)
    {
        var plot = Figure(name);

        // Inside, the legend hid the 0.11 point of the beta-against-H figure.
        Assert.False(plot.Legend.IsVisible);
        Assert.Contains(plot.Axes.GetPanels(), p => p.GetType().Name == "LegendPanel");
    }

    [Fact]
    public void The_gzip_histogram_starts_at_zero_and_its_legend_gives_the_tables_H()
    {
        var plot = SweepFigures.GzipDistribution([Ordinary]);
        plot.GetImage(FigureFile.Width, FigureFile.Height); // render: the axes take their final limits

        Assert.Equal(0, plot.Axes.GetLimits().Bottom);
        // The sample's own median is 0.378; the table's H is 0.3770: the legend says the table's, at its rounding.
        Assert.Equal(["gzipscale-0.35 (H = 0.3770, n = 5)"], Legends(plot));
    }

    [Theory]
    [InlineData("frontier-parameters")]
    [InlineData("frontier-tokens")]
    [InlineData("tokens-per-parameter")]
    public void A_law_without_a_frontier_is_not_drawn_and_the_caption_says_why(string name)
    {
        var plot = Figure(name);

        Assert.DoesNotContain(Legends(plot), l => l.Contains("gzipscale-0.11", StringComparison.Ordinal));
        Assert.All(plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>(), s => Assert.All(s.Data.GetScatterPoints(), p => Assert.True(double.IsFinite(p.Y))));
        Assert.Equal("Not drawn: gzipscale-0.11 (no compute-optimal frontier: alpha = -0.4427 is not positive (the fitted loss does not fall with N)).", SweepFigures.FrontierNote([NoFrontier, Ordinary]));
        Assert.Null(SweepFigures.FrontierNote([Ordinary]));
    }

    [Fact]
    public void The_E_figure_draws_each_datasets_loss_floor()
    {
        var plot = Figure("E");

        var floors = Assert.Single(plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>(), s => s.LegendText == "loss floor (exact; bar: 95%)");
        Assert.Equal([(0.1133, 0.4910), (0.3770, 1.1086)], floors.Data.GetScatterPoints().Select(p => (p.X, p.Y)));
        Assert.DoesNotContain(Legends(Figure("beta")), l => l.StartsWith("loss floor", StringComparison.Ordinal));
    }
    [Fact]
    public void A_parameter_not_identified_is_drawn_hollow_and_an_identified_one_filled()
    {
        LawFit Law(double alpha) => new(new ChinchillaParameters(1.0, 100, 100, alpha, 0.3));
        DatasetIdentification Judged(string name, double alpha, string? why) =>
            new(name, 1.0, Law(alpha), [new("alpha", alpha, alpha * 0.9, alpha * 1.1, why)], null);
        DatasetResults[] datasets =
        [
            Ordinary with { Identification = Judged("gzipscale-0.35", 0.4, null) },
            NoFrontier with { Identification = Judged("gzipscale-0.11", 19.2, "two optima of equal objective") },
        ];

        var plot = SweepFigures.ParameterAgainstCompressibility(datasets, "alpha", null, false);

        var scatters = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Where(p => p.LineWidth == 0 || p.LineStyle.Width == 0).ToArray();
        var filled = Assert.Single(scatters, p => p.LegendText == "identified");
        var hollow = Assert.Single(scatters, p => p.LegendText.StartsWith("not identified", StringComparison.Ordinal));
        Assert.Equal(MarkerShape.OpenCircle, hollow.MarkerShape);
        Assert.NotEqual(MarkerShape.OpenCircle, filled.MarkerShape);
        Assert.Equal([0.1133], hollow.Data.GetScatterPoints().Select(p => p.X));
        Assert.Equal([19.2], hollow.Data.GetScatterPoints().Select(p => p.Y));
    }

    [Fact]
    public void The_excess_figures_put_runs_on_log_log_axes_with_the_fitted_terms_and_runs_at_the_floor_hollow()
    {
        var law = new ChinchillaParameters(1.0, 40, 300, 0.5, 0.45);
        var floor = new DatasetFloorInfo(1.0, 0.99, 1.01, null, null, null);
        TrainingRecord Run(long n, long d) => StudyReports.Record("d", $"{n}-{d}", n, d, law.Loss(n, d)) with { Device = "cpu" };
        TrainingRecord[] runs = [Run(1000, 100_000), Run(1000, 400_000), Run(8000, 100_000), Run(8000, 400_000),
            StudyReports.Record("d", "at-floor", 64_000, 6_400_000, 1.001) with { Device = "cpu" }];
        var fit = new LawFit(law);
        var dataset = new DatasetResults("d", 0.4, null, null, runs, fit, null, floor)
        {
            Identification = new DatasetIdentification("d", 1.0, fit, [new("E", 1.0, null, null, null, FixedAtFloor: true)], null),
        };

        var plot = SweepFigures.ExcessAgainstTokens(dataset);

        var scatters = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().ToArray();
        var small = Assert.Single(scatters, s => s.LegendText == "N = 1k");
        Assert.Equal(
            [(5.0, Math.Log10(law.Loss(1000, 100_000) - 1.0)), (Math.Log10(400_000), Math.Log10(law.Loss(1000, 400_000) - 1.0))],
            small.Data.GetScatterPoints().Select(p => (Math.Round(p.X, 12), Math.Round(p.Y, 12))).Select(p => (p.Item1, p.Item2)).ToArray(),
            new ToleranceComparer());
        // The run 0.001 above the floor is within two standard errors: hollow, at the bottom edge.
        var hollow = Assert.Single(scatters, s => s.MarkerShape == MarkerShape.OpenTriangleDown);
        var bottom = hollow.Data.GetScatterPoints().Single().Y;
        Assert.True(bottom < scatters.Where(s => s.LegendText.StartsWith("N = ", StringComparison.Ordinal) && s.MarkerShape != MarkerShape.OpenTriangleDown).SelectMany(s => s.Data.GetScatterPoints()).Min(p => p.Y));
        Assert.Contains(Legends(plot), l => l == "data term B/D^beta (beta = 0.45)");
        Assert.Equal("Excess over the floor: 0 of 5 runs paired, the rest against the manifest's floor. 1 run(s) within two standard errors of the floor are drawn hollow at the bottom edge. Lines: the primary fit (E at the floor); dashed: its data or parameter term alone.", SweepFigures.ExcessNote(dataset));

        var byN = SweepFigures.ExcessAgainstParameters(dataset);
        Assert.Contains(Legends(byN), l => l == "parameter term A/N^alpha (alpha = 0.5)");
        Assert.Contains(Legends(byN), l => l == "D = 100k");
    }

    private sealed class ToleranceComparer : IEqualityComparer<(double, double)>
    {
        public bool Equals((double, double) x, (double, double) y) => Math.Abs(x.Item1 - y.Item1) < 1e-9 && Math.Abs(x.Item2 - y.Item2) < 1e-9;

        public int GetHashCode((double, double) obj) => 0;
    }
}
