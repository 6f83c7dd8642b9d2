using System.Buffers.Binary;
using System.Xml.Linq;

namespace PcfgLab.Tests.Reporting;

/// <summary>Checks that figure files are what they claim to be.</summary>
internal static class FigureChecks
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The PNG signature, then an IHDR chunk first whose width and height are returned.</summary>
    public static (int Width, int Height) AssertPng(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 33, $"{path} is too short for a PNG");
        Assert.Equal(PngSignature, bytes[..8]);
        Assert.Equal(13, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8)));
        Assert.Equal("IHDR"u8.ToArray(), bytes[12..16]);
        var width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16));
        var height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20));
        Assert.True(width > 0 && height > 0, $"{path}: IHDR size {width}x{height}");
        return (width, height);
    }

    /// <summary>Parses as XML with an &lt;svg&gt; root element.</summary>
    public static void AssertSvg(string path)
    {
        var document = XDocument.Load(path);
        Assert.NotNull(document.Root);
        Assert.Equal("svg", document.Root!.Name.LocalName);
    }
}
