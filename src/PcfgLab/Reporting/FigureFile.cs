using ScottPlot;

namespace PcfgLab.Reporting;

/// <summary>Saves a plot as PNG and SVG side by side, each written to a temporary name and renamed when complete.</summary>
internal static class FigureFile
{
    /// <summary>Default figure width in pixels.</summary>
    public const int Width = 900;

    /// <summary>Default figure height in pixels.</summary>
    public const int Height = 600;

    /// <summary>Writes <c>name.png</c> and <c>name.svg</c> into <paramref name="folder"/> and returns both paths.</summary>
    public static (string Png, string Svg) Save(Plot plot, string folder, string name, int width = Width, int height = Height)
    {
        ArgumentNullException.ThrowIfNull(plot);
        Directory.CreateDirectory(folder);
        var png = Path.Combine(folder, name + ".png");
        var svg = Path.Combine(folder, name + ".svg");
        AtomicFile.Write(png, tmp => plot.SavePng(tmp, width, height));
        AtomicFile.Write(svg, tmp => plot.SaveSvg(tmp, width, height));
        return (png, svg);
    }
}
