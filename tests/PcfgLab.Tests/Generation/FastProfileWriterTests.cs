using PcfgLab.Compression;
using PcfgLab.Generation;
using PcfgLab.Grammars;
using PcfgLab.Sampling;
using PcfgLab.Storage;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Generation;

public sealed class FastProfileWriterTests
{
    private static readonly GrammarSpec Spec = new(20, 300, 10, 5);
    private static readonly DatasetGrammar Grammar = new(RandomGrammarBuilder.Build(Spec, 1), Spec, null, "spec");

    private static async Task<(ProfileResult Result, List<ParquetDatasetWriter> Writers)> Write(string folder, GenerationOptions options)
    {
        var plan = GenerationPlan.For(Grammar, options);
        var writers = new List<ParquetDatasetWriter>();
        var result = await FastProfileWriter.WriteAsync(plan, options, folder, new ShardFooter(options, Grammar, "00", plan.Layout), writers, null, CancellationToken.None);
        return (result, writers);
    }

    [Fact]
    public async Task Writes_the_plans_shards_in_order_with_the_gzip_sample_of_the_whole_dataset()
    {
        using var folder = new TempFolder();
        var options = new GenerationOptions
        {
            OutputFolder = folder.Path, Tokens = 64 * 90, DocumentLength = 64, ShardCount = 3, RowGroupDocuments = 8, Threads = 2,
            GzipDocuments = 20, GzipSeed = 4, FloorDocuments = 0,
        };

        var (result, writers) = await Write(folder.Path, options);

        Assert.Equal([ParquetDatasetWriter.ShardFileName(0, 3), ParquetDatasetWriter.ShardFileName(1, 3), ParquetDatasetWriter.ShardFileName(2, 3)],
            writers.Select(w => Path.GetFileName(w.FinalPath)));
        Assert.All(writers, w => Assert.Equal(30, w.DocumentCount));
        Assert.All(writers, w => Assert.False(File.Exists(w.FinalPath))); // closed, not committed
        var sampler = new DocumentSampler(CompiledGrammar.Renormalised(Grammar.Grammar), 0, 64);
        Assert.Equal(GzipSample.MeasureRegenerated(sampler, 90, 20, 4), result.Gzip);
        Assert.Null(result.Floor);
        Assert.True(result.Seconds > 0);
        foreach (var writer in writers)
        {
            await writer.DisposeAsync();
        }
    }

    [Fact]
    public async Task Records_the_loss_floor_when_asked()
    {
        using var folder = new TempFolder();
        var options = new GenerationOptions
        {
            OutputFolder = folder.Path, Tokens = 64 * 10, DocumentLength = 64, ShardCount = 1, Threads = 1, GzipDocuments = 5,
            FloorDocuments = 4, FloorSentences = 50,
        };

        var (result, writers) = await Write(folder.Path, options);

        Assert.NotNull(result.Floor);
        Assert.Equal(4, result.Floor.Documents);
        Assert.True(result.Floor.Nats > 0);
        await writers[0].DisposeAsync();
    }
}
