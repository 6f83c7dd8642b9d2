using PcfgLab.Compression;
using PcfgLab.Generation;
using PcfgLab.Grammars;
using PcfgLab.Storage;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Generation;

public sealed class ManifestAssemblerTests
{
    private static readonly GrammarSpec Spec = new(20, 300, 10, 5);

    [Fact]
    public async Task The_manifest_counts_what_the_writers_wrote_and_records_the_request()
    {
        using var folder = new TempFolder();
        var grammar = new DatasetGrammar(RandomGrammarBuilder.Build(Spec, 1), Spec, "gzipscale-0.35", "preset");
        var options = new GenerationOptions
        {
            OutputFolder = folder.Path, Tokens = 40, DocumentLength = 4, ShardCount = 3, ShardIndex = 1, Seed = new(5), Threads = 2,
            Parameters = new Dictionary<string, string> { ["tokens"] = "40" },
        };
        var plan = GenerationPlan.For(grammar, options); // 10 documents; shard 1 holds documents 3..5
        var writer = await ParquetDatasetWriter.CreateAsync(Path.Combine(folder.Path, ParquetDatasetWriter.ShardFileName(1, 3)), ParquetCompression.Default, new Dictionary<string, string>());
        await using (writer)
        {
            await writer.WriteRowGroupAsync(new[] { 1, 2, 3, 4, 9, 8, 7, 6, 5, 5, 5, 12 }.AsMemory(), 4);
            await writer.CloseAsync();
            var gzip = new GzipStatistics(SummaryStatistics.Of([0.25, 0.5, 0.75]), 11, 10, "regenerated");
            var analysis = GrammarAnalysis.Analyze(grammar.Grammar);

            var manifest = ManifestAssembler.Assemble(grammar, options, plan, analysis, "feed", [writer], new ProfileResult(gzip, null, 2.0));

            Assert.Equal(3, manifest.Documents);
            Assert.Equal(12, manifest.Tokens);
            Assert.Equal(12, manifest.MaxTokenId);
            Assert.Equal(10, manifest.DatasetDocuments);
            Assert.Equal(3, manifest.ShardCount);
            Assert.Equal(1, manifest.ShardIndex);
            var shard = Assert.Single(manifest.Shards);
            Assert.Equal(new ShardEntry(ParquetDatasetWriter.ShardFileName(1, 3), 1, 3, 3, 12, writer.ByteCount), shard);
            Assert.Equal("(20,300,10,5)", manifest.Spec);
            Assert.Equal("gzipscale-0.35", manifest.Preset);
            Assert.Equal("preset", manifest.GrammarSource);
            Assert.Equal("feed", manifest.GrammarSha256);
            Assert.Equal(new Seed(5), manifest.Seed);
            Assert.Equal("fast", manifest.Profile);
            Assert.Equal(2, manifest.Threads);
            Assert.Equal(2.0, manifest.GenerationSeconds);
            Assert.Equal(6.0, manifest.TokensPerSecond);
            Assert.Equal(0.5, manifest.Gzip!.Median);
            Assert.Null(manifest.Floor);
            Assert.Equal("40", manifest.Parameters["tokens"]);
            Assert.Equal(analysis.StartTerminationProbability, manifest.StartTerminationProbability);
        }
    }

    [Fact]
    public void A_split_run_names_its_shard_manifest()
    {
        var layout = DatasetLayout.For(3000, 100, 3, 5);
        var whole = new GenerationOptions { OutputFolder = "unused", Tokens = 3000 };

        Assert.Equal(DatasetManifest.FileName, ManifestAssembler.FileName(whole, layout));
        Assert.Equal(DatasetManifest.ShardManifestFileName(2, 3), ManifestAssembler.FileName(whole with { ShardIndex = 2 }, layout));
    }
}
