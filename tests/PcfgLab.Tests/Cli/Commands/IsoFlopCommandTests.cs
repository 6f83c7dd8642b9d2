using System.Text.Json.Nodes;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Cli.Commands;

public sealed class IsoFlopCommandTests
{
    [SharedFact]
    public async Task Llama3_points_print_the_token_law()
    {
        var path = SharedFiles.PathOf("validation", "llama3_isoflops_points.csv");
        var (code, stdout, stderr) = await CliRunner.Run("isoflop", path, "--tokens", "training_tokens", "--flops", "compute_budget", "--loss", "validation_loss", "--bootstrap", "0");

        Assert.True(code == 0, stderr);
        var line = stdout.Split('\n').Single(l => l.StartsWith("D_opt = G_D C^b", StringComparison.Ordinal));
        Assert.Equal(["D_opt", "=", "G_D", "C^b", "0.2994", "n/a", "n/a", "0.5368", "n/a", "n/a", "n/a"], line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Approach_1_on_the_cpu_grid_gives_one_fit_per_dataset()
    {
        var path = Path.Combine(SharedFiles.RepositoryRoot, "results", "cpu-grid.jsonl");
        var (code, stdout, stderr) = await CliRunner.Run("isoflop", path, "--approach", "1", "--by", "dataset", "--bootstrap", "0", "--json");

        Assert.True(code == 0, stderr);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal("isoflop-fit", json["kind"]!.GetValue<string>());
        Assert.Equal(1, json["approach"]!.GetValue<int>());
        Assert.Equal(6, ((JsonObject)json["fits"]!).Count);
        Assert.Equal("envelope", json["fits"]!["gzipscale-0.11"]!["method"]!.GetValue<string>());
    }

    /// <summary>Issue 23: options not given were recorded as "true" ("--method": "true", "--seed": "true").</summary>
    [Fact]
    public async Task Json_records_every_option_with_its_effective_value()
    {
        var path = Path.Combine(SharedFiles.RepositoryRoot, "results", "cpu-grid.jsonl");
        var (code, stdout, stderr) = await CliRunner.Run("isoflop", path, "--approach", "1", "--by", "dataset", "--bootstrap", "0", "--json");

        Assert.True(code == 0, stderr);
        var options = JsonNode.Parse(stdout)!["options"]!.AsObject();
        Assert.Equal("0", options["--bootstrap"]!.GetValue<string>());
        Assert.Equal("dataset", options["--by"]!.GetValue<string>());
        Assert.Equal("true", options["--json"]!.GetValue<string>());
        Assert.DoesNotContain(options, o => o.Key != "--json" && o.Value!.GetValue<string>() == "true");
        Assert.Equal("0", options["--seed"]!.GetValue<string>());
    }

    [Fact]
    public async Task Too_few_budgets_is_a_one_line_error()
    {
        var path = Path.Combine(SharedFiles.RepositoryRoot, "results", "cpu-grid.jsonl");
        var (code, _, stderr) = await CliRunner.Run("isoflop", path, "--bootstrap", "0");

        Assert.Equal(2, code);
        Assert.StartsWith("error: an IsoFLOP fit needs at least two budgets with a minimum; found 0 of", CliRunner.LastLine(stderr), StringComparison.Ordinal);
    }
}
