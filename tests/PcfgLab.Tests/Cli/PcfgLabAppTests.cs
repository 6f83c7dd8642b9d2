using System.CommandLine;
using PcfgLab.Cli;
using PcfgLab.Tests.TestSupport;

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
    public async Task An_argument_holding_bytes_that_are_not_utf8_is_refused_before_anything_runs()
    {
        // .NET hands such bytes over as U+FFFD: "\uFFFD.pcfg" is what an argument of the bytes FF 2E ... becomes.
        var (code, output, error) = await Run("grammar", "info", "\uFFFD.pcfg");

        Assert.Equal(PcfgLabApp.UsageError, code);
        Assert.Equal(string.Empty, output);
        Assert.Equal("error: argument 3 ('\uFFFD.pcfg') is not valid UTF-8 (its bytes were replaced by U+FFFD): pcfglab cannot name such a file or value faithfully; rename it to UTF-8 and run again", error.Trim());
    }

    [Fact]
    public void Real_non_utf8_bytes_in_an_output_or_input_path_are_refused_and_nothing_is_written()
    {
        // The real bytes, through the executable: --out "d<FF>" used to write into "d\uFFFD" and exit 0, and an
        // existing file "<FE>.pcfg" was said not to exist.
        var folder = Directory.CreateTempSubdirectory("pcfglab-utf8-").FullName;
        try
        {
            var cli = Path.Combine(AppContext.BaseDirectory, "PcfgLab.Cli");
            const string Script = "cd \"$1\" && printf \"S -> 'a' [1.0]\\n\" > \"$(printf '\\376').pcfg\" && "
                + "\"$0\" generate --preset gzipscale-0.11 --tokens 1k --out \"d$(printf '\\377')\"; echo \"generate $?\"; "
                + "\"$0\" grammar info \"$(printf '\\376').pcfg\"; echo \"info $?\"";
            var (code, stdout, stderr) = ChildProcess.Run("bash", ["-c", Script, cli, folder]);

            Assert.Equal(0, code);
            Assert.Equal(["generate 2", "info 2"], stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            Assert.All(lines, l => Assert.Contains("is not valid UTF-8", l, StringComparison.Ordinal));
            Assert.Single(Directory.GetFileSystemEntries(folder));
        }
        finally
        {
            // .NET cannot name the non-UTF-8 file to delete it.
            ChildProcess.Run("rm", ["-rf", "--", folder]);
        }
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
