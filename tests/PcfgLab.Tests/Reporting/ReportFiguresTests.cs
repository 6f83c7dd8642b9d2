using PcfgLab.Analysis;
using PcfgLab.Reporting;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Reporting;

public sealed class ReportFiguresTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    [Trait("Speed", "slow")]
    public void A_fitted_sweep_has_every_figure_as_valid_png_and_svg()
    {
        // The shared gapped sweep's report (StudyReportBuilderTests checks the same one's contents): built once per test run.
        var report = StudyReports.Gapped.Report;
        var folder = Path.Combine(_temp.Path, "figures");

        var figures = ReportFigures.Write(report, folder);

        // gzip distribution, six loss figures, two frontiers, tokens per parameter, E, alpha and beta: 13 figures. Without a
        // bootstrap nothing is identified, so nothing is regressed and A and B (drawn only with a trend) have no figure.
        Assert.Equal(13, figures.Count);
        Assert.Equal("gzip-distribution.png", Path.GetFileName(figures[0].Png));
        Assert.Equal("Loss against D for each N: gzipscale-0.11", figures[1].Title);
        Assert.Equal(["frontier-parameters", "frontier-tokens", "tokens-per-parameter"], figures.Skip(7).Take(3).Select(f => Path.GetFileNameWithoutExtension(f.Svg)));
        Assert.Equal(["parameter-E", "parameter-alpha", "parameter-beta"], figures.Skip(10).Select(f => Path.GetFileNameWithoutExtension(f.Png)));
        foreach (var figure in figures)
        {
            Assert.Equal((FigureFile.Width, FigureFile.Height), FigureChecks.AssertPng(figure.Png));
            FigureChecks.AssertSvg(figure.Svg);
        }

        Assert.DoesNotContain(Directory.GetFiles(folder), f => AtomicFile.IsTemporaryName(Path.GetFileName(f)));
    }

    [Fact]
    public void An_unfitted_study_has_only_its_gzip_and_loss_figures()
    {
        var records = new[] { StudyReports.Record("a b/c", "1", 1000, 1000, 3), StudyReports.Record("a b/c", "2", 2000, 1000, 2.9) };
        var report = StudyReports.Empty(records, [new DatasetResults("a b/c", 0.3, 0.01, null, records, null, "too few runs")]);

        var figures = ReportFigures.Write(report, _temp.Path);

        Assert.Equal(["gzip-distribution", "loss-a_b_c"], figures.Select(f => Path.GetFileNameWithoutExtension(f.Png)));
    }

    [Fact]
    public void Datasets_whose_names_share_a_slug_get_a_figure_file_each()
    {
        // "x y" and "x_y" both slug to x_y: before, the second loss figure overwrote the first.
        var a = new[] { StudyReports.Record("x y", "1", 1000, 1000, 3), StudyReports.Record("x y", "2", 2000, 1000, 2.9) };
        var b = new[] { StudyReports.Record("x_y", "3", 1000, 1000, 3), StudyReports.Record("x_y", "4", 2000, 1000, 2.9) };
        var report = StudyReports.Empty([.. a, .. b], [new DatasetResults("x y", 0.3, 0.01, null, a, null, "too few runs"), new DatasetResults("x_y", 0.4, 0.01, null, b, null, "too few runs")]);

        var figures = ReportFigures.Write(report, _temp.Path);

        Assert.Equal(["gzip-distribution", "loss-x_y-887fcea6", "loss-x_y"], figures.Select(f => Path.GetFileNameWithoutExtension(f.Png)));
        Assert.Equal(6, Directory.GetFiles(_temp.Path).Length);
    }

    [Fact]
    public void File_names_are_the_slug_unless_slugs_collide_then_a_hash_of_the_name_tells_them_apart()
    {
        var names = ReportFigures.FileNames(["x y", "a", "x_y", "X_Y", "b c"]);

        Assert.Equal("a", names["a"]);
        Assert.Equal("b_c", names["b c"]);

        // Three names share x_y (two of them only by case): none keeps the bare slug, each gets its own hash.
        Assert.Equal("x_y-887fcea6", names["x y"]);
        Assert.Equal("x_y-f9068e81", names["x_y"]);
        Assert.Equal("X_Y-b6cd99a6", names["X_Y"]);
        Assert.Equal("x_y", ReportFigures.FileNames(["x_y", "x y"])["x_y"]);
    }

    [Theory]
    [InlineData("gzipscale-0.35", "gzipscale-0.35")]
    [InlineData("a b/c\\d", "a_b_c_d")]
    [InlineData("x_y-z.1", "x_y-z.1")]
    public void Slugs_keep_letters_digits_dots_dashes_and_underscores(string name, string expected) =>
        Assert.Equal(expected, ReportFigures.Slug(name));
}
