using System.Globalization;
using PcfgLab.Cli;

namespace PcfgLab.Tests.TestSupport;

/// <summary>The one harness that runs <c>pcfglab</c> in process and captures what it prints.</summary>
internal static class CliRunner
{
    /// <summary>Runs the command line <paramref name="args"/> non-interactively; returns the exit code, stdout and stderr.</summary>
    public static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var code = await PcfgLabApp.RunAsync(args, output, error, interactive: false);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Runs <paramref name="args"/> and fails the test, showing stderr, unless the exit code is 0; returns stdout.</summary>
    public static async Task<string> RunOk(params string[] args)
    {
        var (code, output, error) = await Run(args);
        Assert.True(code == 0, $"pcfglab {string.Join(' ', args)} exited {code}: {error}");
        return output;
    }

    /// <summary>The last line of stderr (the error, after any log lines).</summary>
    public static string LastLine(string text) => text.Trim().Split('\n')[^1];
}
