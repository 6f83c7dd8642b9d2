using PcfgLab.Sweeps;

using PcfgLab.Tests.TestSupport;
namespace PcfgLab.Tests.Sweeps;

public sealed class DatasetInfoTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-datasetinfo-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Reads_what_pcfglab_generate_writes()
    {
        var folder = Path.Combine(_root.FullName, "gzipscale-0.22");
        await CliRunner.RunOk("generate", "--preset", "gzipscale-0.22", "--tokens", "20k", "--threads", "1", "--out", folder);

        var info = DatasetInfo.Read(folder);

        Assert.Equal("gzipscale-0.22", info.Name);
        // The fast profile numbers (10,150,5,3)'s terminals 1..150 with 0 the separator: the vocabulary is the data's
        // largest id + 1, read off the data as it was written.
        var largest = 0;
        await foreach (var document in PcfgLab.Storage.ParquetDatasetReader.Open(folder).ReadDocumentsAsync())
        {
            largest = Math.Max(largest, document.Max());
        }

        Assert.Equal(largest + 1, info.Vocabulary);
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

    [Theory]
    [InlineData("fast", 151)]
    [InlineData("reference", 150)]
    public void Older_manifests_without_maxTokenId_take_the_vocabulary_from_the_spec_and_profile(string profile, int expected)
    {
        // Fast profile: ids 1..T and separator 0, so T + 1; reference profile: ids 0..T-1.
        File.WriteAllText(Path.Combine(_root.FullName, "dataset.json"), $$"""{"spec": "(10,150,5,3)", "profile": "{{profile}}", "tokens": 100}""");
        Assert.Equal(expected, DatasetInfo.Read(_root.FullName).Vocabulary);
    }

    [Fact]
    public void A_spec_written_as_an_object_and_root_level_gzip_fields_are_read_by_the_fallback()
    {
        // DatasetManifest.Load rejects a spec object (it is a string now): the tolerant reader takes over.
        File.WriteAllText(Path.Combine(_root.FullName, "dataset.json"), """{"name": "old", "spec": {"terminals": 20}, "gzipMedian": 0.3, "gzipStdev": 0.01, "counts": {"tokens": 512, "documents": 2}}""");

        var info = DatasetInfo.Read(_root.FullName);

        Assert.Equal(new DatasetInfo("old", _root.FullName, 0.3, 0.01, 512, 2, 21, Array.Empty<string>()), info with { Shards = Array.Empty<string>() });
    }

    [Fact]
    public void A_current_manifest_is_read_through_DatasetManifest_and_agrees_with_the_fallback()
    {
        var manifest = new PcfgLab.Storage.DatasetManifest
        {
            Spec = "(10,150,5,3)",
            Tokens = 512,
            Documents = 2,
            MaxTokenId = 150,
            Gzip = new PcfgLab.Storage.GzipEntry(0.25, 0.02, 0.26, 0.2, 0.3, 2, 0, "regenerated"),
        };
        var file = Path.Combine(_root.FullName, "dataset.json");
        manifest.Save(file);

        var info = DatasetInfo.Read(_root.FullName);

        Assert.Equal(new DatasetInfo(_root.Name, _root.FullName, 0.25, 0.02, 512, 2, 151, Array.Empty<string>()), info with { Shards = Array.Empty<string>() });
        Assert.Equal(info with { Shards = Array.Empty<string>() }, DatasetInfo.ReadEarlierManifest(_root.FullName, file) with { Shards = Array.Empty<string>() });
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

    [Theory]
    [InlineData(0.985, null, true)]   // 0.015 below: outside the floor's own interval, and the run claims no error
    [InlineData(0.985, 0.01, false)]  // the run's validation error (0.01) covers it: 0.015 < 1.96 x 0.0112
    [InlineData(0.95, 0.01, true)]    // 0.05 below: beyond both errors
    [InlineData(1.02, null, false)]   // above the floor
    public void A_run_is_below_the_floor_only_beyond_both_sampling_errors(double loss, double? stderr, bool expected)
    {
        var floor = new DatasetFloorInfo(1.0, 0.99, 1.01, null, null, null);
        var run = new TrainingRecord { CellId = "c", Dataset = "d", Device = "cpu", Parameters = 1, Tokens = 1, FinalValidLoss = loss, ValidLossStandardError = stderr };
        Assert.Equal(expected, floor.IsBelow(run));
    }
}
