using System.Globalization;
using PcfgLab.Compression;
using PcfgLab.Generation;
using PcfgLab.Grammars;
using PcfgLab.Sampling;
using PcfgLab.Storage;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Generation;

public sealed class DatasetGeneratorTests : IDisposable
{
    private static readonly GrammarSpec Spec = new(20, 300, 10, 5);
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-generator-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Files_are_byte_identical_whatever_the_thread_count()
    {
        // 100 row groups of 16 documents over 3 shards: enough units for two threads to interleave.
        var one = await Generate("t1", threads: 1, shards: 3);
        var two = await Generate("t2", threads: 2, shards: 3);
        var three = await Generate("t3", threads: 3, shards: 3);
        Assert.Equal(3, one.Shards.Count);
        foreach (var shard in one.Shards)
        {
            var expected = File.ReadAllBytes(Path.Combine(_root.FullName, "t1", shard.File));
            Assert.Equal(expected, File.ReadAllBytes(Path.Combine(_root.FullName, "t2", shard.File)));
            Assert.Equal(expected, File.ReadAllBytes(Path.Combine(_root.FullName, "t3", shard.File)));
        }

        Assert.Equal(one.Gzip, two.Gzip);
    }

    [Fact]
    public async Task One_shard_of_a_split_equals_that_file_of_a_whole_run()
    {
        var whole = await Generate("whole", threads: 2, shards: 3);
        var part = await Generate("part", threads: 2, shards: 3, shardIndex: 1);
        var name = ParquetDatasetWriter.ShardFileName(1, 3);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_root.FullName, "whole", name)), File.ReadAllBytes(Path.Combine(_root.FullName, "part", name)));
        var files = DataFiles(Path.Combine(_root.FullName, "part")).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new List<string> { DatasetManifest.ShardManifestFileName(1, 3), DatasetManifest.GrammarFileName, name }, files);
        Assert.Equal(1, part.ShardIndex);
        Assert.Equal(whole.Shards[1], part.Shards[0]);
        Assert.Equal(whole.Gzip, part.Gzip); // the fast profile regenerates the whole dataset's sample in every shard
    }

    [Fact]
    public async Task Merged_shard_manifests_describe_the_whole_dataset()
    {
        var whole = await Generate("whole", threads: 1, shards: 3);
        var parts = new List<DatasetManifest>();
        for (var i = 2; i >= 0; i--)
        {
            parts.Add(await Generate("split", threads: 1, shards: 3, shardIndex: i));
        }

        // A shard run writes no card (it does not know the whole dataset); the merge does.
        Assert.False(File.Exists(Path.Combine(_root.FullName, "split", DatasetCard.FileName)));
        var (mergedInFolder, count) = DatasetManifest.MergeFolder(Path.Combine(_root.FullName, "split"), "merge");
        Assert.Equal(3, count);
        Assert.Equal(DatasetCard.Render(mergedInFolder), File.ReadAllText(Path.Combine(_root.FullName, "split", DatasetCard.FileName)));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root.FullName, "split"), ".pcfglab*"));

        var merged = DatasetManifest.Merge(parts);
        Assert.Equal(whole.Documents, merged.Documents);
        Assert.Equal(whole.Tokens, merged.Tokens);
        Assert.Equal(whole.Shards, merged.Shards);
        Assert.Equal(whole.Gzip, merged.Gzip);
        Assert.Equal(whole.MaxTokenId, merged.MaxTokenId);
        Assert.True(parts.Any(p => p.MaxTokenId < whole.MaxTokenId) || parts.All(p => p.MaxTokenId == whole.MaxTokenId));
        Assert.Null(merged.ShardIndex);
        Assert.Throws<UserInputException>(() => DatasetManifest.Merge(parts.Take(2).ToList()));
        Assert.Throws<UserInputException>(() => DatasetManifest.Merge([parts[0], parts[0], parts[1]]));
    }

    [Fact]
    public async Task Counts_are_exact_and_the_files_hold_exactly_the_sampled_documents()
    {
        const long Tokens = 25_001;
        var manifest = await Generate("counts", threads: 2, shards: 2, tokens: Tokens, documentLength: 100, rowGroupDocuments: 7);
        Assert.Equal(251, manifest.Documents); // ceil(25001 / 100)
        Assert.Equal(25_100, manifest.Tokens);
        Assert.Equal([125L, 126L], manifest.Shards.Select(s => s.Documents).ToArray());
        Assert.Equal([0L, 125L], manifest.Shards.Select(s => s.FirstDocument).ToArray());

        var sampler = new DocumentSampler(CompiledGrammar.Renormalised(RandomGrammarBuilder.Build(Spec, 1)), 1, 100);
        var expected = new int[100];
        var index = 0L;
        await foreach (var document in ParquetDatasetReader.Open(Path.Combine(_root.FullName, "counts")).ReadDocumentsAsync())
        {
            sampler.SampleDocument(index++, expected);
            Assert.Equal(expected, document);
        }

        Assert.Equal(251, index);
    }

    [Fact]
    public async Task The_manifests_gzip_statistics_are_what_reading_the_files_back_gives()
    {
        var manifest = await Generate("gzip", threads: 2, shards: 2, gzipDocuments: 300, gzipSeed: 7);
        var read = await GzipSample.MeasureParquetAsync(ParquetDatasetReader.Open(Path.Combine(_root.FullName, "gzip")), 300, 7);
        Assert.Equal(manifest.Gzip!.Median, read.Summary.Median);
        Assert.Equal(manifest.Gzip.Stdev, read.Summary.StandardDeviation);
        Assert.Equal(300, manifest.Gzip.Count);
    }

    [Fact]
    public async Task The_folder_gets_the_grammar_copy_and_a_complete_manifest()
    {
        var manifest = await Generate("files", threads: 1, shards: 1);
        var folder = Path.Combine(_root.FullName, "files");
        var copy = NltkGrammarFormat.Load(Path.Combine(folder, DatasetManifest.GrammarFileName));
        Assert.Equal(RandomGrammarBuilder.Build(Spec, 1).RuleCount, copy.RuleCount);
        var loaded = DatasetManifest.Load(folder);
        Assert.Equal(manifest.Tokens, loaded.Tokens);
        Assert.Equal("(20,300,10,5)", loaded.Spec);
        Assert.Equal(1.0, loaded.StartTerminationProbability, 12);
        Assert.InRange(loaded.SpectralRadius, 0, 1);
        Assert.Equal(new FileInfo(Path.Combine(folder, loaded.Shards[0].File)).Length, loaded.Shards[0].Bytes);
        Assert.Equal(ToolInfo.Version, loaded.ToolVersion);

        // Hub-ready: the card and the data, no lock file left after a clean exit.
        Assert.Equal(
            [DatasetCard.FileName, DatasetManifest.FileName, DatasetManifest.GrammarFileName, "train-00000-of-00001.parquet"],
            Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(DatasetCard.Render(loaded), File.ReadAllText(Path.Combine(folder, DatasetCard.FileName)));
    }

    [Fact]
    public async Task Cancellation_leaves_nothing_behind()
    {
        using var cancel = new CancellationTokenSource();
        var progress = new CancelAfterFirstReport(cancel);
        var folder = Path.Combine(_root.FullName, "cancelled");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DatasetGenerator.GenerateAsync(
            Grammar(), Options(folder, 2, 3, null, 409_600, 256, 16, 100, 0), progress, cancel.Token));
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Fact]
    public async Task A_failure_while_writing_is_reported_and_leaves_nothing_behind()
    {
        var folder = Path.Combine(_root.FullName, "failed");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => DatasetGenerator.GenerateAsync(
            Grammar(), Options(folder, 2, 3, null, 409_600, 256, 16, 100, 0), new FailOnThirdReport()));
        Assert.Equal("injected failure", error.Message);
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Fact]
    public async Task A_second_writer_into_a_locked_folder_fails_at_once_and_writes_nothing()
    {
        var folder = Path.Combine(_root.FullName, "busy");
        using var first = OutputFolderLock.Acquire(folder, "pcfglab generate, process 4242");
        var error = await Assert.ThrowsAsync<UserInputException>(() => Generate("busy", threads: 1, shards: 2));
        Assert.Contains("process 4242", error.Message, StringComparison.Ordinal);
        Assert.Empty(DataFiles(folder));
    }

    [Fact]
    public async Task Stale_temporary_files_of_a_killed_run_are_removed_and_reported()
    {
        var folder = Path.Combine(_root.FullName, "killed");
        Directory.CreateDirectory(folder);
        var stale = Path.Combine(folder, ".train-00000-of-00004.parquet.tmp-0123456789ab");
        File.WriteAllBytes(stale, new byte[4096]);
        var foreign = Path.Combine(folder, ".someone-elses.tmp");
        File.WriteAllBytes(foreign, new byte[3]);
        (IReadOnlyList<string> Files, long Bytes)? reported = null;
        await DatasetGenerator.GenerateAsync(Grammar(), Options(folder, 1, 2, null, 409_600, 256, 16, 100, 0) with
        {
            StaleFilesRemoved = (files, bytes) => reported = (files, bytes),
        });
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(foreign));
        Assert.NotNull(reported);
        Assert.Equal([stale], reported.Value.Files);
        Assert.Equal(4096, reported.Value.Bytes);
    }

    [Fact]
    public async Task Shard_runs_write_side_by_side_into_one_folder()
    {
        var folder = Path.Combine(_root.FullName, "array");
        using (OutputFolderLock.Acquire(folder, "shard 0 job", "train-00000-of-00002"))
        {
            // Another shard's job holds its part: this one still runs.
            await Generate("array", threads: 1, shards: 2, shardIndex: 1);
        }

        Assert.True(File.Exists(Path.Combine(folder, ParquetDatasetWriter.ShardFileName(1, 2))));
    }

    [Theory]
    [InlineData(1, 16, 1)]
    [InlineData(2, 16, 2)]
    [InlineData(1000, 2, 2)]
    [InlineData(1000, 0, 1)]
    [InlineData(0, 4, 0)] // left for Validate to refuse
    public void Useful_threads_are_capped_at_the_processors(int requested, int processors, int expected) =>
        Assert.Equal(expected, DatasetGenerator.UsefulThreads(requested, processors));

    [Fact]
    public async Task A_folder_holding_a_dataset_needs_force()
    {
        await Generate("again", threads: 1, shards: 2);
        var error = await Assert.ThrowsAsync<UserInputException>(() => Generate("again", threads: 1, shards: 2));
        Assert.Contains("add Force to replace it", error.Message, StringComparison.Ordinal);
        var replaced = await Generate("again", threads: 1, shards: 1, force: true);
        var left = Directory.GetFiles(Path.Combine(_root.FullName, "again"), "*.parquet").Select(f => Path.GetFileName(f)).ToList();
        Assert.Equal(new List<string> { ParquetDatasetWriter.ShardFileName(0, 1) }, left);
        Assert.Single(replaced.Shards);
    }

    [SharedFact]
    public async Task Reference_profile_reproduces_the_reference_documents()
    {
        var folder = Path.Combine(_root.FullName, "reference");
        var grammar = new DatasetGrammar(new ReferenceSampler(Spec, new Seed(1)).Grammar, Spec, null, "spec");
        var options = Options(folder, 1, 2, null, 40 * 256, 256, 8, 40, 0) with { Profile = GenerationProfile.Reference };
        var manifest = await DatasetGenerator.GenerateAsync(grammar, options);
        Assert.Equal(40, manifest.Documents);
        Assert.Equal("reference", manifest.Profile);
        Assert.Equal("written", manifest.Gzip!.Source);

        var expected = File.ReadAllLines(SharedFiles.PathOf("reference", "fixtures", "20_300_10_5_s1.docs.txt"))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
        Assert.Equal(32, expected.Length);
        var actual = new List<int[]>();
        await foreach (var document in ParquetDatasetReader.Open(folder).ReadDocumentsAsync())
        {
            actual.Add(document);
        }

        Assert.Equal(40, actual.Count);
        for (var d = 0; d < 32; d++)
        {
            Assert.Equal(expected[d], actual[d]);
        }

        Assert.Equal(manifest.Tokens, actual.Sum(d => (long)d.Length));
        Assert.All(actual, d => Assert.InRange(d.Length, 255, 256));
    }

    private static DatasetGrammar Grammar() => new(RandomGrammarBuilder.Build(Spec, 1), Spec, null, "spec");

    private static GenerationOptions Options(string folder, int threads, int shards, int? shardIndex, long tokens, int documentLength, int rowGroupDocuments, int gzipDocuments, ulong gzipSeed, bool force = false) =>
        new()
        {
            OutputFolder = folder,
            Tokens = tokens,
            Seed = new(1),
            DocumentLength = documentLength,
            ShardCount = shards,
            ShardIndex = shardIndex,
            RowGroupDocuments = rowGroupDocuments,
            Threads = threads,
            GzipDocuments = gzipDocuments,
            GzipSeed = gzipSeed,
            Force = force,
        };

    /// <summary>The folder's files without the lock files (held by a test's own claim).</summary>
    private static string[] DataFiles(string folder) =>
        Directory.Exists(folder)
            ? Directory.GetFiles(folder).Where(f => !Path.GetFileName(f).StartsWith(".pcfglab.", StringComparison.Ordinal)).ToArray()
            : [];

    private Task<DatasetManifest> Generate(string name, int threads, int shards, int? shardIndex = null, long tokens = 409_600, int documentLength = 256, int rowGroupDocuments = 16, int gzipDocuments = 100, ulong gzipSeed = 0, bool force = false) =>
        DatasetGenerator.GenerateAsync(Grammar(), Options(Path.Combine(_root.FullName, name), threads, shards, shardIndex, tokens, documentLength, rowGroupDocuments, gzipDocuments, gzipSeed, force));

    private sealed class FailOnThirdReport : IProgress<double>
    {
        private int _reports;

        public void Report(double value)
        {
            if (Interlocked.Increment(ref _reports) == 3)
            {
                throw new InvalidOperationException("injected failure");
            }
        }
    }

    private sealed class CancelAfterFirstReport(CancellationTokenSource source) : IProgress<double>
    {
        public void Report(double value) => source.Cancel();
    }
}
