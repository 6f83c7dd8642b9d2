using PcfgLab.Tests.TestSupport;
using System.Text.Json.Nodes;

namespace PcfgLab.Tests.Cli.Commands;

public sealed class RegressCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pcfglab-regress-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>Runs from three datasets whose laws are exactly linear in H, in the sweep's JSON Lines form.</summary>
    private string SweepRuns(bool withH = true)
    {
        var lines = new List<string>();
        foreach (var h in new[] { 0.2, 0.4, 0.6 })
        {
            var law = new PcfgLab.Scaling.ChinchillaParameters(1 + (2 * h), 500 - (300 * h), 100 + (1000 * h), 0.3 + (0.1 * h), 0.4 - (0.2 * h));
            foreach (var run in PcfgLab.Tests.Scaling.SyntheticRuns.Grid(law.Loss, 0, 1, sizes: 5, tokenCounts: 5))
            {
                var node = new JsonObject { ["dataset"] = $"gz{h}", ["N"] = run.Parameters, ["D"] = run.Tokens, ["final_valid_loss"] = run.Loss };
                if (withH)
                {
                    node["H"] = h;
                }

                lines.Add(node.ToJsonString());
            }
        }

        var path = Path.Combine(_dir.FullName, withH ? "sweep.jsonl" : "noh.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public async Task Regression_recovers_the_linear_laws_and_predict_uses_it()
    {
        var fitPath = Path.Combine(_dir.FullName, "fits.json");
        var (fitCode, _, fitErr) = await CliRunner.Run("fit", SweepRuns(), "--by", "dataset", "--bootstrap", "0", "--out", fitPath);
        Assert.True(fitCode == 0, fitErr);

        var regPath = Path.Combine(_dir.FullName, "reg.json");
        var (code, stdout, stderr) = await CliRunner.Run("regress", fitPath, "--json", "--out", regPath, "--at-flops", "1e21");
        Assert.True(code == 0, stderr);
        var json = JsonNode.Parse(stdout)!;

        // Each per-dataset fit recovers its noise-free law to about 1e-4, so the lines come back to about 1e-3.
        Assert.Equal(2, json["parameters"]!["E"]!["slope"]!.GetValue<double>(), 1e-3);
        Assert.Equal(0.1, json["parameters"]!["alpha"]!["slope"]!.GetValue<double>(), 1e-3);
        Assert.Equal(0.4, json["parameters"]!["beta"]!["intercept"]!.GetValue<double>(), 1e-3);
        Assert.Equal(1, json["parameters"]!["beta"]!["r2"]!.GetValue<double>(), 1e-6);
        Assert.Single(json["allocation_exponent_crossings"]!.AsArray());

        var (humanCode, human, _) = await CliRunner.Run("regress", fitPath);
        Assert.Equal(0, humanCode);
        Assert.Contains("slope m", human, StringComparison.Ordinal);

        var (pCode, prediction, pErr) = await CliRunner.Run("predict", regPath, "--h", "0.4", "--n", "1e9", "--d", "1e10", "--json");
        Assert.True(pCode == 0, pErr);
        var expected = new PcfgLab.Scaling.ChinchillaParameters(1.8, 380, 500, 0.34, 0.32).Loss(1e9, 1e10);
        Assert.Equal(expected, JsonNode.Parse(prediction)!["loss"]!.GetValue<double>(), 1e-3);

        var (noH, _, noHErr) = await CliRunner.Run("predict", regPath, "--n", "1e9", "--d", "1e10");
        Assert.Equal(2, noH);
        Assert.Equal($"error: '{regPath}' is a regression on compressibility: give the dataset's --h", CliRunner.LastLine(noHErr));
    }

    [Fact]
    public async Task Dataset_without_h_is_a_one_line_error_naming_it()
    {
        var fitPath = Path.Combine(_dir.FullName, "noh.json");
        var (fitCode, _, _) = await CliRunner.Run("fit", SweepRuns(withH: false), "--by", "dataset", "--bootstrap", "0", "--out", fitPath);
        Assert.Equal(0, fitCode);
        var (code, _, err) = await CliRunner.Run("regress", fitPath);
        Assert.Equal(2, code);
        Assert.Equal("error: dataset 'gz0.2' has no compressibility H; fit runs that carry H (--h-column COLUMN) or give --h gz0.2=VALUE", CliRunner.LastLine(err));

        var (withOverrides, _, _) = await CliRunner.Run("regress", fitPath, "--h", "gz0.2=0.2", "--h", "gz0.4=0.4", "--h", "gz0.6=0.6");
        Assert.Equal(0, withOverrides);
    }

    [SystemPathFact("coreutils", SpecialFiles.MkFifo)]
    public async Task Fit_and_regress_refuse_to_replace_a_pipe()
    {
        var pipe = Path.Combine(_dir.FullName, "pipe.json");
        Assert.True(SpecialFiles.TryMakeFifo(pipe));
        var (code, _, error) = await CliRunner.Run("fit", SweepRuns(), "--by", "dataset", "--bootstrap", "0", "--out", pipe);
        Assert.Equal(PcfgLab.Cli.PcfgLabApp.UsageError, code);
        Assert.Contains("not a regular file: refusing to replace it", CliRunner.LastLine(error), StringComparison.Ordinal);

        var fitPath = Path.Combine(_dir.FullName, "fits.json");
        (code, _, error) = await CliRunner.Run("fit", SweepRuns(), "--by", "dataset", "--bootstrap", "0", "--out", fitPath);
        Assert.True(code == 0, error);
        (code, _, error) = await CliRunner.Run("regress", fitPath, "--out", pipe);
        Assert.Equal(PcfgLab.Cli.PcfgLabApp.UsageError, code);
        Assert.Contains("not a regular file: refusing to replace it", CliRunner.LastLine(error), StringComparison.Ordinal);
        Assert.True(SpecialFiles.IsFifo(pipe));
    }
}
