using System.Globalization;
using System.IO.Compression;
using System.Text;
using PcfgLab.Compression;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Compression;

public sealed class ClassicZlibTests
{
    // Python's own sizes: gzip.compress(window, compresslevel=9) for every whole window of each length.
    private const string PythonSizes = """
        import gzip, sys
        data = open(sys.argv[1], 'rb').read()
        for n in (256, 1024, 4096, 20000):
            print(n, ' '.join(str(len(gzip.compress(data[i:i + n], compresslevel=9))) for i in range(0, len(data) - n + 1, n)))
        """;

    public static IEnumerable<string> RealTexts()
    {
        // Licence texts (base-files) and Python's own sources: real English and real code, present wherever python3 is.
        var candidates = new List<string> { "/usr/share/common-licenses/GPL-3" };
        if (SystemCorpora.PythonStdlib is { } stdlib)
        {
            candidates.Add(Path.Combine(stdlib, "os.py"));
        }

        return candidates.Where(File.Exists);
    }

    [PythonFact]
    public void Every_window_has_pythons_gzip_size_where_zlib_ng_does_not()
    {
        var files = RealTexts().ToList();
        Assert.NotEmpty(files);
        using var zlib = new ClassicZlib(9);
        var zlibNg = new GzipCompressibility(9, DeflateImplementation.ZlibNg);
        var windows = 0;
        var zlibNgDifferent = 0;
        foreach (var file in files)
        {
            var data = File.ReadAllBytes(file);
            foreach (var line in ReferencePython.Run(["-c", PythonSizes, file]))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var n = int.Parse(fields[0], CultureInfo.InvariantCulture);
                for (var w = 1; w < fields.Length; w++)
                {
                    var window = data.AsSpan((w - 1) * n, n);
                    var python = int.Parse(fields[w], CultureInfo.InvariantCulture);
                    Assert.True(python == zlib.GzipSize(window), $"{file}, {n}-byte window {w - 1}: Python {python}, zlib {zlib.GzipSize(window)}");
                    zlibNgDifferent += zlibNg.CompressedSizeOfBytes(window) == python ? 0 : 1;
                    windows++;
                }
            }
        }

        // The comparison can tell the two deflates apart on this text: swapping in zlib-ng would fail the loop above.
        Assert.True(windows > 100, $"only {windows} windows");
        Assert.True(zlibNgDifferent > 0, "zlib-ng gave Python's size for every window, so this test could not catch a swap");
    }

    [Fact]
    public void Sizes_count_the_18_bytes_of_header_and_trailer_and_decompress_to_the_input()
    {
        using var zlib = new ClassicZlib(9);

        // An empty raw deflate stream is 2 bytes (03 00): Python's gzip.compress(b'') is 20 bytes long.
        Assert.Equal(20, zlib.GzipSize([]));

        // Text of a repeated sentence compresses far below its size; sizes do not depend on what came before.
        var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("the cat sat on the mat. ", 100)));
        var first = zlib.GzipSize(text);
        Assert.InRange(first, 19, 80);
        Assert.Equal(first, zlib.GzipSize(text));
        Assert.Equal(ClassicZlib.GzipOverhead, 18);
    }

    [Fact]
    public void Its_sizes_match_a_gzip_stream_of_classic_zlib_level_nine_within_the_header()
    {
        // Incompressible input: deflate stores it, 5 bytes per stored block, whichever implementation.
        var random = new byte[1000];
        new Random(7).NextBytes(random);
        using var zlib = new ClassicZlib(9);
        Assert.Equal(1000 + 5 + 18, zlib.GzipSize(random));

        // Level 0 stores everything too.
        using var stored = new ClassicZlib(0);
        Assert.Equal(1000 + 5 + 18, stored.GzipSize(random));
        using var check = new MemoryStream();
        using (var gzip = new GZipStream(check, CompressionLevel.NoCompression, leaveOpen: true))
        {
            gzip.Write(random);
        }

        Assert.Equal(check.Length, stored.GzipSize(random));
    }

    [Fact]
    public void Reports_the_zlib_version_it_loaded()
    {
        using var zlib = new ClassicZlib(9);
        Assert.StartsWith("1.", zlib.Version, StringComparison.Ordinal);
        Assert.Equal(9, zlib.Level);
    }

    [Fact]
    public void A_library_that_cannot_be_loaded_is_a_one_line_error_saying_what_to_do()
    {
        var error = Assert.Throws<UserInputException>(() => new ClassicZlib(9, "libz-not-here.so.9"));
        Assert.Equal(
            "deflate zlib needs classic zlib ('libz-not-here.so.9'), which could not be loaded: install it (Debian: apt-get install zlib1g) or use deflate zlib-ng.",
            error.Message);
    }

    [Fact]
    public void A_library_that_is_not_zlib_is_refused()
    {
        // libc loads but has no deflate.
        var error = Assert.Throws<UserInputException>(() => new ClassicZlib(9, "libc.so.6"));
        Assert.Equal("deflate zlib: 'libc.so.6' has no function deflateInit2_, so it is not classic zlib; use deflate zlib-ng.", error.Message);
    }

    [Fact]
    public void Levels_outside_zero_to_nine_and_use_after_dispose_are_programming_errors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClassicZlib(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClassicZlib(-1));
        var zlib = new ClassicZlib(9);
        zlib.Dispose();
        zlib.Dispose();
        Assert.Throws<ObjectDisposedException>(() => zlib.GzipSize([1, 2, 3]));
    }
}
