using System.Text.Json;
using PcfgLab.Floor;
using PcfgLab.Generation;

namespace PcfgLab.Tests.Generation;

public sealed class GrammarDescriptionTests
{
    [Fact]
    public void A_preset_is_described_with_its_entropy_rate_and_criticality_by_name()
    {
        var described = GrammarDescription.Describe(new GrammarDescriptionRequest { Source = new GrammarSource { Preset = "gzipscale-0.11" }, Sentences = 200 });

        Assert.Null(described.FloorUnavailable);
        var floor = Assert.IsType<FloorSummary>(described.Floor);
        Assert.Equal(200, floor.Rate.Sentences);
        Assert.Null(floor.Document);
        using var json = JsonDocument.Parse(described.ToJson());
        Assert.Equal("subcritical", json.RootElement.GetProperty("report").GetProperty("criticality").GetString()!.ToLowerInvariant());
        Assert.Equal(described.Source, json.RootElement.GetProperty("source").GetString());
    }

    [Fact]
    public void An_empty_right_hand_side_makes_the_rate_not_defined_instead_of_failing()
    {
        var path = Path.Combine(Path.GetTempPath(), $"pcfglab-description-{Guid.NewGuid():N}.pcfg");
        File.WriteAllText(path, "S -> 'a' [0.5] | [0.5]\n");
        try
        {
            var described = GrammarDescription.Describe(new GrammarDescriptionRequest { Source = new GrammarSource { File = path }, Sentences = 200 });

            Assert.Null(described.Floor);
            Assert.StartsWith("not defined: rule S -> (empty) can be used", described.FloorUnavailable, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Skipping_the_rate_gives_neither_a_rate_nor_a_reason()
    {
        var described = GrammarDescription.Describe(new GrammarDescriptionRequest { Source = new GrammarSource { Preset = "gzipscale-0.11" }, Sentences = 0 });
        Assert.Null(described.Floor);
        Assert.Null(described.FloorUnavailable);
    }
}
