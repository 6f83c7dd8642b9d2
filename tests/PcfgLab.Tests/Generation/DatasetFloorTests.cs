using PcfgLab.Floor;
using PcfgLab.Generation;
using PcfgLab.Grammars;
using PcfgLab.Sampling;
using PcfgLab.Storage;

namespace PcfgLab.Tests.Generation;

public sealed class DatasetFloorTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-datasetfloor-");

    public void Dispose() => _root.Delete(recursive: true);

    private async Task<(string Folder, DatasetManifest Manifest)> Generate(string name, GenerationProfile profile = GenerationProfile.Fast, int floorDocuments = 40)
    {
        var spec = GrammarPresets.Get("gzipscale-0.22").Spec;
        var grammar = profile == GenerationProfile.Reference
            ? new DatasetGrammar(new ReferenceSampler(spec, new Seed(3)).Grammar, spec, "gzipscale-0.22", "preset")
            : new DatasetGrammar(RandomGrammarBuilder.Build(spec, 3), spec, "gzipscale-0.22", "preset");
        var folder = Path.Combine(_root.FullName, name);
        var manifest = await DatasetGenerator.GenerateAsync(grammar, new GenerationOptions
        {
            OutputFolder = folder,
            Tokens = 5000,
            Seed = new(3),
            Profile = profile,
            DocumentLength = profile == GenerationProfile.Reference ? 256 : 128,
            Threads = 2,
            FloorDocuments = floorDocuments,
            FloorSentences = 500,
        });
        return (folder, manifest);
    }

    [Fact]
    public async Task The_floor_generate_records_is_the_one_measured_again_from_the_folder()
    {
        var (folder, manifest) = await Generate("g");
        var floor = Assert.IsType<FloorEntry>(manifest.Floor);
        var (read, summary) = DatasetFloor.Measure(folder, 40, 500, threads: 1);
        Assert.Equal(manifest.Seed, read.Seed);
        var document = Assert.IsType<LossFloorEstimate>(summary.Document);
        Assert.Equal(floor.Nats, document.MeanNats);
        Assert.Equal(floor.Lower95, document.Lower95);
        Assert.Equal(floor.EntropyRateNats, summary.Rate.RateNats);
        Assert.Equal(40, floor.Documents);
        Assert.Equal(500, floor.Sentences);
        Assert.Equal(128, document.DocumentLength);

        // And it is the floor of the grammar, seed and document length computed directly.
        var direct = FloorAnalysis.Analyze(CompiledGrammar.Renormalised(RandomGrammarBuilder.Build(GrammarPresets.Get("gzipscale-0.22").Spec, 3)), 3, 128, 40, 500);
        Assert.Equal(direct.Document, document);
    }

    [Fact]
    public async Task A_changed_grammar_copy_is_refused()
    {
        var (folder, _) = await Generate("changed");
        File.AppendAllText(Path.Combine(folder, DatasetManifest.GrammarFileName), "# edited\n");
        var error = Assert.Throws<UserInputException>(() => DatasetFloor.Measure(folder, 10, 100));
        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task A_reference_profile_dataset_has_no_floor()
    {
        var (folder, manifest) = await Generate("reference", GenerationProfile.Reference);
        Assert.Null(manifest.Floor);
        var error = Assert.Throws<UserInputException>(() => DatasetFloor.Measure(folder, 10, 100));
        Assert.Contains("was made with Profile reference", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Floor_docs_zero_skips_the_floor()
    {
        var (_, manifest) = await Generate("none", floorDocuments: 0);
        Assert.Null(manifest.Floor);
    }

    [Fact]
    public async Task The_floor_of_given_documents_reads_them_from_the_folder_and_scores_each()
    {
        var (folder, manifest) = await Generate("documents");
        var first = await DatasetFloor.MeasureDocumentsAsync(folder, Enumerable.Range(0, 10).Select(i => (long)i), threads: 2);

        // Documents 0..9 of the folder are documents 0..9 of the stream: the same floor as LossFloor's.
        var prefix = PrefixGrammar.Build(CompiledGrammar.Renormalised(RandomGrammarBuilder.Build(GrammarPresets.Get("gzipscale-0.22").Spec, 3)));
        var estimate = LossFloor.Estimate(prefix, 3, 128, 10);
        Assert.Equal(estimate.MeanNats, first.MeanNats, 12);
        Assert.Equal(estimate.StandardError, first.StandardError, 12);

        // The last documents, given out of order and twice: measured once each, in index order.
        var last = manifest.Documents - 1;
        var tail = await DatasetFloor.MeasureDocumentsAsync(folder, [last, last - 2, last, last - 1]);
        Assert.Equal([last - 2, last - 1, last], tail.Documents);
        var sampler = new DocumentSampler(prefix.Compiled, 3, 128);
        var tokens = new int[3][];
        for (var i = 0; i < 3; i++)
        {
            tokens[i] = new int[128];
            sampler.SampleDocument(last - 2 + i, tokens[i]);
        }

        Assert.Equal(PairedFloor.Measure(prefix, [last - 2, last - 1, last], tokens).Losses, tail.Losses);

        var outside = await Assert.ThrowsAsync<UserInputException>(() => DatasetFloor.MeasureDocumentsAsync(folder, [manifest.Documents]));
        Assert.Contains("must lie in 0..", outside.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_without_a_dataset_is_a_user_error()
    {
        var error = Assert.Throws<UserInputException>(() => DatasetFloor.Measure(_root.FullName, 10, 100));
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }
}
