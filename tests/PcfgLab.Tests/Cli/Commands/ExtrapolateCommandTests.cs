using System.Globalization;
using System.Text.Json.Nodes;
using PcfgLab.Tests.Scaling;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Cli.Commands;

public sealed class ExtrapolateCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pcfglab-extrap-");

    public void Dispose() => _dir.Delete(recursive: true);

    [SharedFact]
    public async Task Leave_one_budget_out_on_hoffmanns_points_gives_the_documented_pooled_error()
    {
        var path = SharedFiles.PathOf("validation", "openathena_ml_scalefit_chinchilla_isoflops.csv");
        var (code, stdout, stderr) = await CliRunner.Run("extrapolate", path, "--n", "params", "--tokens", "tokens", "--flops", "budget", "--loss", "loss", "--json");

        Assert.True(code == 0, stderr);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal(9, ((JsonArray)json["folds"]!).Count);
        Assert.Equal(0.006397, Math.Round(json["pooled_mean_relative_error"]!.GetValue<double>(), 6));
    }

    [Fact]
    public async Task Compare_by_dataset_ranks_the_forms_for_each_dataset()
    {
        var path = Path.Combine(_dir.FullName, "runs.jsonl");
        File.WriteAllLines(path, DataDependentRuns.Draw(DataDependentRuns.TrueLaw, 0.005, 2).Where(r => r.Compressibility < 0.25).Select(r => string.Create(CultureInfo.InvariantCulture,
            $"{{\"dataset\": \"{r.Dataset}\", \"N\": {r.Parameters:R}, \"D\": {r.Tokens:R}, \"loss\": {r.Loss:R}}}")));
        var (code, stdout, stderr) = await CliRunner.Run("extrapolate", path, "--by", "dataset", "--scheme", "rollout-n", "--form", "compare", "--json");

        Assert.True(code == 0, stderr);
        var json = (JsonObject)JsonNode.Parse(stdout)!;
        Assert.Equal(["h0.1", "h0.2"], json.Select(kv => kv.Key));
        Assert.All(json, kv => Assert.Equal("chinchilla", kv.Value!["best"]!.GetValue<string>()));
    }
}
