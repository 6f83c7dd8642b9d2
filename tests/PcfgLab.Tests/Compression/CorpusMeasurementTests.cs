using PcfgLab.Compression;

namespace PcfgLab.Tests.Compression;

public class CorpusMeasurementTests
{
    private static readonly SummaryStatistics Stats = new(3, 0.3, 0.05, 0.31, 0.25, 0.37, 0.2, 0.4);

    private static CorpusMeasurement Measurement(long bytesRead, long tokens, double seconds) => new(
        Source: "corpus/",
        Description: "text files",
        Unit: "tokens",
        Tokenizer: "cl100k",
        WindowLength: 256,
        Gzip: Stats,
        MedianInterval: new BootstrapInterval(0.28, 0.33, 0.95, 1000),
        Compressors: new Dictionary<string, SummaryStatistics> { ["gzip9"] = Stats },
        Counts: new CorpusCounts(10, 3, 2, bytesRead, tokens, new Dictionary<string, long> { ["binary"] = 1 }, ["a.bin: binary"]),
        Seconds: seconds);

    [Fact]
    public void Rates_are_input_megabytes_and_tokens_per_second()
    {
        var measurement = Measurement(bytesRead: 5_000_000, tokens: 1_200_000, seconds: 2.5);

        // 5e6 bytes = 5 MB (10^6, not MiB) in 2.5 s; 1.2e6 tokens in 2.5 s. Exact in binary to within 1 ulp.
        Assert.Equal(2.0, measurement.MegabytesPerSecond, precision: 12);
        Assert.Equal(480_000.0, measurement.TokensPerSecond, precision: 9);
    }

    [Fact]
    public void Megabytes_are_decimal_not_binary()
    {
        Assert.Equal(1.048576, Measurement(bytesRead: 1 << 20, tokens: 0, seconds: 1).MegabytesPerSecond, precision: 12);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    public void Rates_are_zero_when_no_time_was_measured(double seconds)
    {
        var measurement = Measurement(bytesRead: 1000, tokens: 250, seconds: seconds);
        Assert.Equal(0.0, measurement.MegabytesPerSecond);
        Assert.Equal(0.0, measurement.TokensPerSecond);
    }

    [Fact]
    public void Byte_measurements_have_zero_tokens_per_second()
    {
        Assert.Equal(0.0, Measurement(bytesRead: 4000, tokens: 0, seconds: 2).TokensPerSecond);
    }

    [Fact]
    public void Records_compare_by_value_of_their_fields()
    {
        var counts = new CorpusCounts(10, 3, 2, 100, 50, new Dictionary<string, long>(), []);
        Assert.Equal(counts, counts with { });
        Assert.NotEqual(counts, counts with { WindowsMeasured = 4 });
        var measurement = Measurement(100, 50, 1);
        Assert.Equal("corpus/", measurement.Source);
        Assert.Equal(256, measurement.WindowLength);
        Assert.Null((measurement with { WindowLength = null }).WindowLength);
    }
}
