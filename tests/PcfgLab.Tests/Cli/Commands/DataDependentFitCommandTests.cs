using PcfgLab.Tests.TestSupport;
using System.Globalization;
using System.Text.Json.Nodes;
using PcfgLab.Tests.Scaling;

namespace PcfgLab.Tests.Cli.Commands;

public sealed class DataDependentFitCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pcfglab-ddfit-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string WriteRuns()
    {
        var path = Path.Combine(_dir.FullName, "runs.jsonl");
        var lines = DataDependentRuns.Draw(DataDependentRuns.TrueLaw, 0.01, 3).Select(r => string.Create(CultureInfo.InvariantCulture,
            $"{{\"dataset\": \"{r.Dataset}\", \"H\": {r.Compressibility:R}, \"N\": {r.Parameters:R}, \"D\": {r.Tokens:R}, \"loss\": {r.Loss:R}}}"));
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public async Task Json_output_and_saved_file_hold_the_lines_with_intervals()
    {
        var path = WriteRuns();
        var outPath = Path.Combine(_dir.FullName, "joint.json");
        var (code, stdout, stderr) = await CliRunner.Run("fit", path, "--form", "data-dependent", "--bootstrap", "20", "--seed", "3", "--json", "--out", outPath);

        Assert.True(code == 0, stderr);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal("data-dependent-fit", json["kind"]!.GetValue<string>());
        Assert.Equal(150, json["runs"]!.GetValue<int>());
        Assert.InRange(json["lines"]!["alpha"]!["slope"]!.GetValue<double>(), 0.0, 0.2);
        Assert.Equal(20, json["bootstrap"]!["resamples"]!.GetValue<int>());
        Assert.Equal(10, ((JsonArray)json["bootstrap"]!["correlation"]!).Count);
        Assert.Equal(11, ((JsonArray)json["frontier_band"]!).Count);
        Assert.Equal(0.3478, json["reference"]!["alpha"]!.GetValue<double>());
        Assert.Equal(stdout.Trim(), File.ReadAllText(outPath).Trim());
    }

    [Fact]
    public async Task Tables_show_the_joint_and_two_step_slopes_side_by_side()
    {
        var (code, stdout, stderr) = await CliRunner.Run("fit", WriteRuns(), "--form", "data-dependent", "--bootstrap", "10", "--reference", "hoffmann");

        Assert.True(code == 0, stderr);
        Assert.Contains("Joint vs two-step slopes", stdout, StringComparison.Ordinal);
        Assert.Contains("reference E 1.69, A 406.4, B 410.7, alpha 0.34, beta 0.28: a = 0.4516", stdout, StringComparison.Ordinal);
        Assert.Contains("The frontier's allocation exponent equals the reference's (0.4516) at H = ", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task By_dataset_does_not_apply_and_says_so()
    {
        var (code, _, stderr) = await CliRunner.Run("fit", WriteRuns(), "--form", "data-dependent", "--by", "dataset");

        Assert.Equal(2, code);
        Assert.Equal("error: --form data-dependent fits all datasets jointly: --by, --drop-worst and --holdout-above-* do not apply", CliRunner.LastLine(stderr));
    }

    [Fact]
    public async Task Bad_reference_is_a_one_line_error()
    {
        var (code, _, stderr) = await CliRunner.Run("fit", WriteRuns(), "--form", "data-dependent", "--reference", "1,2,3");

        Assert.Equal(2, code);
        Assert.Equal("error: --reference '1,2,3': expected epoch, hoffmann or five positive numbers E,A,B,alpha,beta", CliRunner.LastLine(stderr));
    }
}
