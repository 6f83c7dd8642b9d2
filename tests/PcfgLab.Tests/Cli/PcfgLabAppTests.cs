using PcfgLab.Cli;

namespace PcfgLab.Tests.Cli;

public sealed class PcfgLabAppTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await PcfgLabApp.RunAsync(args, stdout, stderr, interactive: false);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Version_prints_the_tool_name_and_version()
    {
        var (code, output, _) = await Run("version");
        Assert.Equal(0, code);
        Assert.Equal($"pcfglab {PcfgLab.ToolInfo.Version}", output.Trim());
    }

    [Fact]
    public async Task A_bad_option_value_is_one_error_line_with_exit_2_and_no_help_on_stdout()
    {
        var (code, output, error) = await Run("generate", "--compat", "foo", "--preset", "gzipscale-0.11", "--tokens", "1k", "--out", "x");
        Assert.Equal(PcfgLabApp.UsageError, code);
        Assert.Equal(string.Empty, output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains("pcfglab generate --help", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_is_a_usage_error()
    {
        var (code, output, error) = await Run("frobnicate");
        Assert.Equal(PcfgLabApp.UsageError, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("frobnicate", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_input_exception_becomes_one_line_without_a_stack_trace()
    {
        var (code, _, error) = await Run("grammar", "info", "/nonexistent/grammar.pcfg");
        Assert.Equal(PcfgLabApp.UsageError, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line, StringComparison.Ordinal);
    }
}
