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
}
