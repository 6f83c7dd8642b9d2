using PcfgLab.Generation;
using PcfgLab.Grammars;
using PcfgLab.Sampling;
using PcfgLab.Storage;

namespace PcfgLab.Tests.Generation;

public sealed class ShardPipelineTests : IDisposable
{
    private const ulong Seed = 5;
    private const string FooterKey = "shard-under-test";
    private static readonly CompiledGrammar Grammar = CompiledGrammar.Renormalised(RandomGrammarBuilder.Build(new GrammarSpec(20, 300, 10, 5), 1));

    // 251 documents of 64 tokens in 3 shards of 83, 84 and 84 documents, row groups of 7: 12 or 13 row groups per
    // shard, the last one short, so that two threads interleave row groups of several files.
    private static readonly DatasetLayout Layout = new(251, 64, 3, 7);

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-pipeline-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Files_are_byte_identical_for_one_and_two_threads()
    {
        var one = await RunAndCommit("t1", threads: 1, [0, 1, 2]);
        var two = await RunAndCommit("t2", threads: 2, [0, 1, 2]);
        Assert.Equal(3, one.Count);
        for (var shard = 0; shard < 3; shard++)
        {
            var name = ParquetDatasetWriter.ShardFileName(shard, 3);
            var expected = await File.ReadAllBytesAsync(Path.Combine(_root.FullName, "t1", name));
            Assert.Equal(expected, await File.ReadAllBytesAsync(Path.Combine(_root.FullName, "t2", name)));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Every_document_is_written_once_and_in_order(int threads)
    {
        var writers = await RunAndCommit("docs", threads, [0, 1, 2]);
        Assert.Equal([83L, 84L, 84L], writers.Select(w => w.DocumentCount).ToArray());
        Assert.Equal([12, 12, 12], writers.Select(w => w.RowGroupCount).ToArray());
        Assert.Equal(251L * 64, writers.Sum(w => w.TokenCount));

        var sampler = new DocumentSampler(Grammar, Seed, Layout.DocumentLength);
        var expected = new int[Layout.DocumentLength];
        var index = 0L;
        await foreach (var document in ParquetDatasetReader.Open(Path.Combine(_root.FullName, "docs")).ReadDocumentsAsync())
        {
            sampler.SampleDocument(index++, expected);
            Assert.Equal(expected, document);
        }

        Assert.Equal(251, index);
    }

    [Fact]
    public async Task A_subset_of_shards_writes_only_those_files_with_their_documents_and_footers()
    {
        var writers = await RunAndCommit("subset", threads: 2, [2, 0]);
        var files = Directory.GetFiles(Path.Combine(_root.FullName, "subset")).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal([ParquetDatasetWriter.ShardFileName(0, 3), ParquetDatasetWriter.ShardFileName(2, 3)], files);
        Assert.Equal(2, writers.Count);

        var sampler = new DocumentSampler(Grammar, Seed, Layout.DocumentLength);
        var expected = new int[Layout.DocumentLength];
        foreach (var shard in new[] { 0, 2 })
        {
            var reader = ParquetDatasetReader.Open(Path.Combine(_root.FullName, "subset", ParquetDatasetWriter.ShardFileName(shard, 3)));
            var footer = await reader.ReadFooterAsync();
            Assert.Equal(shard.ToString(System.Globalization.CultureInfo.InvariantCulture), footer[FooterKey]);
            var index = Layout.ShardStart(shard);
            await foreach (var document in reader.ReadDocumentsAsync())
            {
                sampler.SampleDocument(index++, expected);
                Assert.Equal(expected, document);
            }

            Assert.Equal(Layout.ShardStart(shard + 1), index);
        }
    }

    [Fact]
    public async Task Progress_reports_sum_to_the_token_count()
    {
        var progress = new SummingProgress();
        await RunAndCommit("progress", threads: 2, [0, 1, 2], progress);

        // One report per row group: 36 row groups; the sum is exact (integers well below 2^53 in a double).
        Assert.Equal(36, progress.Reports);
        Assert.Equal(251.0 * 64, progress.Sum);
    }

    [Fact]
    public async Task Cancellation_leaves_no_committed_file()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root.FullName, "cancelled")).FullName;
        using var cancel = new CancellationTokenSource();
        var pipeline = Create(folder, threads: 2, [0, 1, 2], new CancelOnFirstReport(cancel));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.RunAsync(cancel.Token));

        var writers = pipeline.Writers.ToList();
        Assert.NotEmpty(writers); // the first row group was written before the cancellation
        for (var shard = 0; shard < 3; shard++)
        {
            Assert.False(File.Exists(Path.Combine(folder, ParquetDatasetWriter.ShardFileName(shard, 3))));
        }

        foreach (var writer in writers)
        {
            await writer.DisposeAsync();
        }

        Assert.Empty(Directory.GetFiles(folder));
    }

    [Fact]
    public void The_window_is_the_thread_count_bounded_by_the_shard_count()
    {
        var folder = _root.FullName;
        Assert.Equal(1, Create(folder, threads: 1, [0, 1, 2]).Window);
        Assert.Equal(2, Create(folder, threads: 2, [0, 1, 2]).Window);
        Assert.Equal(3, Create(folder, threads: 8, [0, 1, 2]).Window);
        Assert.Equal(1, Create(folder, threads: 8, [1]).Window);
    }

    private ShardPipeline Create(string folder, int threads, int[] shards, IProgress<double>? progress = null) =>
        new(Grammar, Seed, Layout, shards, threads, ParquetCompression.Default,
            shard => Path.Combine(folder, ParquetDatasetWriter.ShardFileName(shard, Layout.ShardCount)),
            shard => new Dictionary<string, string> { [FooterKey] = shard.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            progress);

    private async Task<List<ParquetDatasetWriter>> RunAndCommit(string name, int threads, int[] shards, IProgress<double>? progress = null)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root.FullName, name)).FullName;
        var pipeline = Create(folder, threads, shards, progress);
        await pipeline.RunAsync(CancellationToken.None);
        var writers = pipeline.Writers.ToList();
        foreach (var writer in writers)
        {
            writer.Commit(); // throws unless the pipeline closed it
            await writer.DisposeAsync();
        }

        return writers;
    }

    private sealed class SummingProgress : IProgress<double>
    {
        private readonly Lock _gate = new();

        public double Sum { get; private set; }

        public int Reports { get; private set; }

        public void Report(double value)
        {
            lock (_gate)
            {
                Sum += value;
                Reports++;
            }
        }
    }

    private sealed class CancelOnFirstReport(CancellationTokenSource cancel) : IProgress<double>
    {
        public void Report(double value) => cancel.Cancel();
    }
}
