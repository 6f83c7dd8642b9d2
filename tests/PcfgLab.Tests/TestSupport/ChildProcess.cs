using System.Diagnostics;

namespace PcfgLab.Tests.TestSupport;

/// <summary>Runs another program to the end and collects what it printed: the one process runner of the tests.</summary>
internal static class ChildProcess
{
    // The test host runs under 'dotnet test', whose MSBuild variables would point a nested dotnet build at the wrong
    // SDK parts; no other program reads them.
    private static readonly string[] MsBuildVariables =
        ["MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildExtensionsPath", "MSBuildLoadMicrosoftTargetsReadOnly"];

    /// <summary>
    /// Runs <paramref name="program"/> with <paramref name="arguments"/> (in the repository root unless
    /// <paramref name="workingDirectory"/> is given, with <paramref name="environment"/> added) and returns its exit
    /// code, stdout and stderr, both read to the end. Past <paramref name="timeout"/> the process tree is killed and a
    /// <see cref="TimeoutException"/> thrown.
    /// </summary>
    public static (int Code, string Stdout, string Stderr) Run(
        string program,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? SharedFiles.RepositoryRoot,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var name in MsBuildVariables)
        {
            info.Environment.Remove(name);
        }

        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                info.Environment[name] = value;
            }
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? Timeout.InfiniteTimeSpan))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} ran past {timeout}");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
