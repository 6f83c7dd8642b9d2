using PcfgLab.Reporting;

namespace PcfgLab.Tests.Reporting;

public sealed class FigureFileTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-figure-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void Save_writes_png_and_svg_of_the_asked_size_and_leaves_no_temporary_file()
    {
        var plot = new ScottPlot.Plot();
        plot.Add.Scatter(new double[] { 1, 2, 3 }, new double[] { 3, 1, 2 });
        plot.Title("test");

        var (png, svg) = FigureFile.Save(plot, Path.Combine(_root.FullName, "figures"), "test", 640, 480);

        Assert.Equal((640, 480), FigureChecks.AssertPng(png));
        FigureChecks.AssertSvg(svg);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_root.FullName, "figures")).Length);
    }
}
