using PcfgLab.Compression;

namespace PcfgLab.Tests.Compression;

public sealed class DeflateImplementationTests
{
    [Theory]
    [InlineData("zlib-ng", DeflateImplementation.ZlibNg)]
    [InlineData("zlib", DeflateImplementation.Zlib)]
    [InlineData(" ZLIB ", DeflateImplementation.Zlib)]
    public void Names_parse_and_round_trip(string name, DeflateImplementation expected)
    {
        Assert.Equal(expected, DeflateImplementations.Parse(name));
        Assert.Equal(expected, DeflateImplementations.Parse(expected.Name()));
    }

    [Fact]
    public void The_default_is_zlib_ng_and_unknown_names_say_what_is_accepted()
    {
        Assert.Equal(DeflateImplementation.ZlibNg, default);
        Assert.Equal("zlib-ng", default(DeflateImplementation).Name());
        var error = Assert.Throws<UserInputException>(() => DeflateImplementations.Parse("miniz"));
        Assert.Equal("unknown deflate 'miniz': use zlib-ng (System.IO.Compression, the default) or zlib (classic zlib, byte-identical to Python's gzip).", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ((DeflateImplementation)7).Name());
    }
}
