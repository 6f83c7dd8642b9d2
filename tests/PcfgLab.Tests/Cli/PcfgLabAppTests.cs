using System.CommandLine;
using PcfgLab.Cli;

using static PcfgLab.Tests.TestSupport.CliRunner;
namespace PcfgLab.Tests.Cli;

public sealed class PcfgLabAppTests
{
    [Fact]
    public async Task Version_prints_the_tool_name_and_version()
    {
        var (code, output, _) = await Run("version");
        Assert.Equal(0, code);
        Assert.Equal($"pcfglab {ToolInfo.Version}", output.Trim());
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

    private static async Task<(int Code, string Out, string Err)> RunBroken(Exception failure, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await PcfgLabApp.RunAsync(args, stdout, stderr, interactive: false, context =>
        {
            var root = PcfgLabApp.BuildRoot(context);
            var broken = new Command("broken", "Fails the way a bug would.");
            broken.SetAction(new Func<ParseResult, int>(_ => throw failure));
            root.Subcommands.Add(broken);
            return root;
        });
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task An_unexpected_exception_is_one_line_naming_the_operation_with_exit_70()
    {
        var (code, output, error) = await RunBroken(new IndexOutOfRangeException("Index was outside the bounds of the array."), "broken");
        Assert.Equal(PcfgLabApp.InternalError, code);
        Assert.Equal(70, code);
        Assert.Equal(string.Empty, output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("error: 'pcfglab broken' failed unexpectedly: IndexOutOfRangeException: Index was outside the bounds of the array. "
            + "(this is a bug; run again with --debug to see the trace and report it)", line);
    }

    [Fact]
    public async Task Debug_shows_the_stack_trace_of_an_unexpected_exception()
    {
        var (code, _, error) = await RunBroken(new InvalidOperationException("boom"), "broken", "--debug");
        Assert.Equal(PcfgLabApp.InternalError, code);
        Assert.StartsWith("error: 'pcfglab broken' failed unexpectedly: InvalidOperationException: boom (trace follows", error, StringComparison.Ordinal);
        Assert.Contains("System.InvalidOperationException: boom", error, StringComparison.Ordinal);
        Assert.Contains(" at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Debug_is_accepted_by_every_command()
    {
        var (code, output, _) = await Run("version", "--debug");
        Assert.Equal(0, code);
        Assert.StartsWith("pcfglab ", output, StringComparison.Ordinal);
    }
}
