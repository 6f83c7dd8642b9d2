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
            ? new DatasetGrammar(new ReferenceSampler(spec, 3).Grammar, spec, "gzipscale-0.22", "preset")
            : new DatasetGrammar(RandomGrammarBuilder.Build(spec, 3), spec, "gzipscale-0.22", "preset");
        var folder = Path.Combine(_root.FullName, name);
        var manifest = await DatasetGenerator.GenerateAsync(grammar, new GenerationOptions
        {
            OutputFolder = folder,
            Tokens = 5000,
            Seed = 3,
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
    public void A_folder_without_a_dataset_is_a_user_error()
    {
        var error = Assert.Throws<UserInputException>(() => DatasetFloor.Measure(_root.FullName, 10, 100));
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }
}
