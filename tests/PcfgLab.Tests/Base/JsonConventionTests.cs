using System.Text.Json;
using System.Text.Json.Nodes;

namespace PcfgLab.Tests.Base;

public sealed class JsonConventionTests
{
    private sealed record Sample(string ToolVersion, double Loss, string? Note);

    [Fact]
    public void Documents_are_indented_camel_case_with_named_non_finite_numbers_and_plain_plus_signs()
    {
        var json = JsonSerializer.Serialize(new Sample("0.1.0+abc", double.NaN, null), JsonConvention.Document());

        Assert.Equal("{\n  \"toolVersion\": \"0.1.0+abc\",\n  \"loss\": \"NaN\",\n  \"note\": null\n}", json.ReplaceLineEndings("\n"));
        Assert.True(double.IsNaN(JsonSerializer.Deserialize<Sample>(json, JsonConvention.Document())!.Loss));
    }

    [Fact]
    public void Nulls_are_left_out_only_when_asked()
    {
        var json = JsonSerializer.Serialize(new Sample("v", 1.5, null), JsonConvention.Document(omitNulls: true));

        Assert.Equal("{\n  \"toolVersion\": \"v\",\n  \"loss\": 1.5\n}", json.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Nodes_keep_their_names_and_escape_only_what_json_requires()
    {
        var node = new JsonObject { ["Tool version"] = "0.1.0+abc 'quoted'", ["x"] = 2 };

        Assert.Equal("{\"Tool version\":\"0.1.0+abc 'quoted'\",\"x\":2}", node.ToJsonString(JsonConvention.Node(indented: false)));
        Assert.Contains("\n", node.ToJsonString(JsonConvention.Node()), StringComparison.Ordinal);
    }

    [Fact]
    public void Each_call_gives_options_a_context_can_own()
    {
        Assert.NotSame(JsonConvention.Document(), JsonConvention.Document());
    }
}
