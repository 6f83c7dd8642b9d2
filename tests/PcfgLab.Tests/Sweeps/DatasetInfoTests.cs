using PcfgLab.Cli;
using PcfgLab.Sweeps;

namespace PcfgLab.Tests.Sweeps;

public sealed class DatasetInfoTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-datasetinfo-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Reads_what_pcfglab_generate_writes()
    {
        var folder = Path.Combine(_root.FullName, "gzipscale-0.22");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await PcfgLabApp.RunAsync(["generate", "--preset", "gzipscale-0.22", "--tokens", "20k", "--threads", "1", "--out", folder], stdout, stderr, interactive: false);
        Assert.True(code == 0, stderr.ToString());

        var info = DatasetInfo.Read(folder);

        Assert.Equal("gzipscale-0.22", info.Name);
        Assert.Equal(150, info.Vocabulary); // (10,150,5,3): terminals are the token ids 0..149
        Assert.Equal(79 * 256, info.Tokens); // ceil(20000 / 256) documents of 256 tokens
        Assert.Equal(79, info.Documents);
        Assert.InRange(info.GzipMedian!.Value, 0.15, 0.35);
        Assert.True(info.GzipStandardDeviation > 0);
        Assert.Equal(Path.Combine(folder, "train-00000-of-00001.parquet"), Assert.Single(info.Shards));

        // generate records the loss floor; the sweep reads it with its interval.
        var floor = Assert.IsType<DatasetFloorInfo>(info.Floor);
        var manifest = PcfgLab.Storage.DatasetManifest.Load(folder);
        Assert.Equal(manifest.Floor!.Nats, floor.Nats);
        Assert.Equal(manifest.Floor.Lower95, floor.Lower95);
        Assert.Equal(manifest.Floor.Upper95, floor.Upper95);
        Assert.Equal(manifest.Floor.EntropyRateNats, floor.EntropyRateNats);
        Assert.True(floor.Lower95 < floor.Nats && floor.Nats < floor.Upper95);
    }

    [Fact]
    public void A_folder_without_a_manifest_is_a_user_error()
    {
        var ex = Assert.Throws<UserInputException>(() => DatasetInfo.Read(_root.FullName));
        Assert.Contains("has no dataset.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_manifest_is_a_user_error()
    {
        File.WriteAllText(Path.Combine(_root.FullName, "dataset.json"), "{ \"tokens\": ");
        var ex = Assert.Throws<UserInputException>(() => DatasetInfo.Read(_root.FullName));
        Assert.Contains("is not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(3,20,2,2)", 20)]
    [InlineData(" (100, 2000, 100, 30) ", 2000)]
    [InlineData("(3,20,2)", null)]
    [InlineData("grammar.pcfg", null)]
    public void TerminalsOfSpec_reads_the_second_number(string spec, int? expected)
    {
        Assert.Equal(expected, DatasetInfo.TerminalsOfSpec(spec));
    }
}
