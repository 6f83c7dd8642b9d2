using PcfgLab.Compression;
using PcfgLab.Generation;
using PcfgLab.Grammars;
using PcfgLab.Sampling;
using PcfgLab.Storage;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Generation;

public sealed class ReferenceProfileWriterTests
{
    private static readonly GrammarSpec Spec = new(20, 300, 10, 5);

    [Fact]
    public async Task Writes_the_reference_documents_in_their_one_sequence_and_measures_those_written()
    {
        using var folder = new TempFolder();
        var grammar = new DatasetGrammar(new ReferenceSampler(Spec, new Seed(1)).Grammar, Spec, null, "spec");
        var options = new GenerationOptions
        {
            OutputFolder = folder.Path, Tokens = 256 * 12, DocumentLength = 256, ShardCount = 2, RowGroupDocuments = 5,
            Profile = GenerationProfile.Reference, Seed = new(1), GzipDocuments = 12, GzipSeed = 3,
        };
        var plan = GenerationPlan.For(grammar, options);
        var writers = new List<ParquetDatasetWriter>();

        var result = await ReferenceProfileWriter.WriteAsync(Spec, options, plan.Layout, folder.Path, new ShardFooter(options, grammar, "00", plan.Layout), writers, null, CancellationToken.None);
        foreach (var writer in writers)
        {
            writer.Commit();
            await writer.DisposeAsync();
        }

        var expected = new ReferenceSampler(Spec, new Seed(1)).Documents(12L * ReferenceSampler.TokensPerDocument).Select(d => d.ToArray()).Take(12).ToList();
        var actual = new List<int[]>();
        await foreach (var document in ParquetDatasetReader.Open(folder.Path).ReadDocumentsAsync())
        {
            actual.Add(document);
        }

        Assert.Equal(expected, actual);
        Assert.Equal([6L, 6L], writers.Select(w => w.DocumentCount));
        var measure = new GzipCompressibility(GzipCompressibility.StudyLevel, options.Deflate);
        var ratios = expected.Select(d => measure.Ratio(d)).ToArray();
        Assert.Equal(new GzipStatistics(SummaryStatistics.Of(ratios), 3, 12, "written", options.Deflate), result.Gzip); // all 12 are sampled
        Assert.Null(result.Floor);
    }
}
