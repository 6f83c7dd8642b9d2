using System.Text.Json;
using PcfgLab.Generation;
using PcfgLab.Grammars;
using PcfgLab.Storage;

namespace PcfgLab.Tests.Generation;

public sealed class ShardFooterTests
{
    private static readonly GrammarSpec Spec = new(20, 300, 10, 5);

    [Fact]
    public void Each_shard_says_what_made_it_and_which_documents_it_holds()
    {
        var layout = DatasetLayout.For(3000, 100, 3, 5); // 30 documents: shards of 10
        var options = new GenerationOptions { OutputFolder = "unused", Tokens = 3000, Seed = new(7), DocumentLength = 100 };
        var footer = new ShardFooter(options, new DatasetGrammar(RandomGrammarBuilder.Build(Spec, 7), Spec, "gzipscale-0.35", "preset"), "abc123", layout);

        var metadata = footer.For(2);

        Assert.Equal([ParquetDatasetWriter.ToolKey], metadata.Keys);
        Assert.Equal(
            $$"""{"tool":"{{ToolInfo.Name}}","version":{{JsonSerializer.Serialize(ToolInfo.Version)}},"spec":"(20,300,10,5)","preset":"gzipscale-0.35","seed":7,"profile":"fast","documentLength":100,"grammarSource":"preset","grammarSha256":"abc123","shardIndex":2,"shardCount":3,"firstDocument":20,"documents":10,"datasetDocuments":30}""",
            metadata[ParquetDatasetWriter.ToolKey]);
    }

    [Fact]
    public void A_grammar_file_has_a_null_spec_and_no_preset()
    {
        var layout = DatasetLayout.For(1000, 100, 1, 5);
        var options = new GenerationOptions { OutputFolder = "unused", Tokens = 1000, DocumentLength = 100, Profile = GenerationProfile.Reference };
        var footer = new ShardFooter(options, new DatasetGrammar(RandomGrammarBuilder.Build(Spec, 1), null, null, "file g.pcfg"), "00", layout);

        using var json = JsonDocument.Parse(footer.For(0)[ParquetDatasetWriter.ToolKey]);

        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("spec").ValueKind);
        Assert.False(json.RootElement.TryGetProperty("preset", out _));
        Assert.Equal("reference", json.RootElement.GetProperty("profile").GetString());
        Assert.Equal("file g.pcfg", json.RootElement.GetProperty("grammarSource").GetString());
    }
}
