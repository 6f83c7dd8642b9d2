using PcfgLab.Compression;
using PcfgLab.Analysis;
using PcfgLab.Sweeps;

using PcfgLab.Tests.TestSupport;
namespace PcfgLab.Tests.Analysis;

public sealed class DatasetGzipSamplerTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-gzipsampler-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Seed_zero_samples_the_documents_generate_measured()
    {
        var folder = Path.Combine(_root.FullName, "ds");
        await CliRunner.RunOk("generate", "--preset", "gzipscale-0.35", "--tokens", "300k", "--threads", "1", "--gzip-docs", "200", "--out", folder);

        var ratios = DatasetGzipSampler.Sample(folder, 200, 0, CancellationToken.None)!;

        // generate measures gzip on the same seeded choice of documents (seed 0), so the medians agree exactly.
        Assert.Equal(200, ratios.Count);
        Assert.Equal(DatasetInfo.Read(folder).GzipMedian!.Value, SummaryStatistics.Of(ratios.ToArray()).Median, 12);
    }

    [Fact]
    public void A_folder_without_shards_gives_no_sample()
    {
        Assert.Null(DatasetGzipSampler.Sample(_root.FullName, 10, 0, CancellationToken.None));
    }
}
