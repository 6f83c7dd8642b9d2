using System.Text.Json;
using PcfgLab.Generation;
using PcfgLab.Grammars;

namespace PcfgLab.Tests.Generation;

public sealed class FloorMeasurementTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-floormeasurement-");

    public void Dispose() => _root.Delete(recursive: true);

    private async Task<string> Generate()
    {
        var spec = GrammarPresets.Get("gzipscale-0.22").Spec;
        var folder = Path.Combine(_root.FullName, "ds");
        await DatasetGenerator.GenerateAsync(new DatasetGrammar(RandomGrammarBuilder.Build(spec, 3), spec, "gzipscale-0.22", "preset"), new GenerationOptions
        {
            OutputFolder = folder, Tokens = 5000, Seed = new(3), DocumentLength = 128, Threads = 2, FloorDocuments = 0,
        });
        return folder;
    }

    [Fact]
    public async Task The_dataset_floor_is_the_one_measured_directly_and_its_document_is_the_floor_command_s()
    {
        var folder = await Generate();
        var measured = await DatasetFloor.MeasureAsync(new FloorRequest { Dataset = folder, Documents = 20, Sentences = 300 });

        var (_, direct) = DatasetFloor.Measure(folder, 20, 300);
        Assert.Equal(direct, measured.Summary);
        Assert.Null(measured.DocumentFloor);
        Assert.Equal("gzipscale-0.22", measured.Grammar);
        using var json = JsonDocument.Parse(measured.ToJson());
        var root = json.RootElement;
        Assert.Equal(folder, root.GetProperty("dataset").GetString());
        Assert.Equal(3, root.GetProperty("seed").GetInt64());
        Assert.Equal(128, root.GetProperty("documentLength").GetInt32());
        Assert.Equal(direct.Document!.MeanNats, root.GetProperty("floor").GetProperty("nats").GetDouble());
        Assert.Equal(20, root.GetProperty("floor").GetProperty("documents").GetInt32());
    }

    [Fact]
    public async Task Named_documents_are_read_from_the_shards_with_a_95_percent_interval()
    {
        var folder = await Generate();
        var measured = await DatasetFloor.MeasureAsync(new FloorRequest { Dataset = folder, DocumentRanges = "3,5-7" });

        var floor = Assert.IsType<PcfgLab.Floor.DocumentFloor>(measured.DocumentFloor);
        Assert.Equal([3L, 5, 6, 7], floor.Documents);
        Assert.Null(measured.Summary);
        Assert.Equal(floor.MeanNats - (1.959963984540054 * floor.StandardError), measured.DocumentLower95);
        using var json = JsonDocument.Parse(measured.ToJson());
        Assert.Equal("3,5-7", json.RootElement.GetProperty("documents").GetString());
        Assert.Equal(4, json.RootElement.GetProperty("count").GetInt32());
        Assert.Equal(measured.DocumentUpper95, json.RootElement.GetProperty("upper95").GetDouble());
    }

    [Theory]
    [InlineData("7-3", "'7-3' is not a document index or an ascending range")]
    [InlineData("x", "'x' is not a document index")]
    public async Task A_malformed_document_list_is_a_user_error(string ranges, string expected)
    {
        var error = await Assert.ThrowsAsync<UserInputException>(() => DatasetFloor.MeasureAsync(new FloorRequest { Dataset = _root.FullName, DocumentRanges = ranges }));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
