using PcfgLab.Generation;

namespace PcfgLab.Tests.Generation;

public sealed class DatasetGenerationTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-generation-");

    public void Dispose() => _root.Delete(recursive: true);

    private sealed class Sum : IProgress<double>
    {
        private double _total;

        public double Total => Volatile.Read(ref _total);

        public void Report(double value)
        {
            lock (this)
            {
                _total += value;
            }
        }
    }

    [Fact]
    public async Task One_request_writes_the_same_dataset_as_the_generator_and_reports_progress_as_a_fraction()
    {
        var options = new GenerationOptions { OutputFolder = Path.Combine(_root.FullName, "a"), Tokens = 20_000, Seed = new(3), Threads = 2, FloorDocuments = 0 };
        var progress = new Sum();

        var manifest = await DatasetGeneration.GenerateAsync(new GenerateRequest { Grammar = new GrammarSource { Preset = "gzipscale-0.22", Seed = new(3) }, Options = options }, progress: progress);

        var direct = await DatasetGenerator.GenerateAsync(new GrammarSource { Preset = "gzipscale-0.22", Seed = new(3) }.Resolve(), options with { OutputFolder = Path.Combine(_root.FullName, "b") });
        var shard = Assert.Single(manifest.Shards);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_root.FullName, "b", direct.Shards[0].File)), File.ReadAllBytes(Path.Combine(_root.FullName, "a", shard.File)));
        Assert.Equal(direct.Gzip, manifest.Gzip);
        Assert.Equal(1.0, progress.Total, 6);
    }

    [Fact]
    public async Task Npy_with_a_shard_is_refused_before_any_file_exists()
    {
        var folder = Path.Combine(_root.FullName, "split");
        var request = new GenerateRequest
        {
            Grammar = new GrammarSource { Preset = "gzipscale-0.22" }, Npy = true,
            Options = new GenerationOptions { OutputFolder = folder, Tokens = 20_000, ShardCount = 2, ShardIndex = 0 },
        };

        var error = await Assert.ThrowsAsync<UserInputException>(() => DatasetGeneration.GenerateAsync(request));
        Assert.StartsWith("--npy exports the whole dataset", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }
}
