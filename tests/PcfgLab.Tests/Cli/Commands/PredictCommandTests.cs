using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Cli.Commands;

public sealed class PredictCommandTests
{
    [Fact]
    public async Task Nothing_to_predict_is_an_error()
    {
        var (code, _, err) = await CliRunner.Run("predict", "missing.json");
        Assert.Equal(2, code);
        Assert.Equal("error: nothing to predict: give --n and --d, or --flops", err.Trim());
    }

    [Fact]
    public async Task Missing_file_is_an_error()
    {
        var (code, _, err) = await CliRunner.Run("predict", "missing.json", "--flops", "1e21");
        Assert.Equal(2, code);
        Assert.Equal("error: 'missing.json' does not exist", err.Trim());
    }

    [Fact]
    public async Task Intervals_read_the_runs_again_with_the_column_flags_the_fit_was_saved_with()
    {
        using var temp = new TempFolder();
        var runs = Path.Combine(temp.Path, "runs.csv");
        var lines = new List<string> { "size,toks,val" };
        foreach (var n in new[] { 1e5, 3e5, 1e6, 3e6 })
        {
            foreach (var d in new[] { 1e6, 3e6, 1e7 })
            {
                var loss = 1.7 + (400 / Math.Pow(n, 0.34)) + (410 / Math.Pow(d, 0.28));
                lines.Add(FormattableString.Invariant($"{n},{d},{loss}"));
            }
        }

        await File.WriteAllLinesAsync(runs, lines);
        var fit = Path.Combine(temp.Path, "fit.json");
        await CliRunner.RunOk("fit", runs, "--n-column", "size", "--tokens-column", "toks", "--loss-column", "val", "--threads", "1", "--out", fit);

        // The fit records its options under the flags' names (--n-column ...); predict reads the runs again with them.
        var (code, output, error) = await CliRunner.Run("predict", fit, "--n", "1e6", "--d", "1e6", "--intervals", "20");

        Assert.True(code == 0, error);
        Assert.Contains("95%", output, StringComparison.Ordinal);
    }
}
