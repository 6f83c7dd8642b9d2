using System.Diagnostics;

namespace PcfgLab.Tests.TestSupport;

/// <summary>
/// A Python interpreter that has PyTorch and numpy (Debian's python3-torch and python3-numpy install them for
/// /usr/bin/python3, not for the pyenv python3 first on PATH): PCFGLAB_PYTHON when set, else the first of python3 on
/// PATH and /usr/bin/python3 that imports both.
/// </summary>
internal static class TorchPython
{
    /// <summary>Set to 1 (as .ci/run does) to make a missing torch fail the torch tests instead of skipping them.</summary>
    public const string RequireVariable = "PCFGLAB_REQUIRE_TORCH";

    private static readonly Lazy<string?> Python = new(Find);

    /// <summary>The interpreter, or null where none has torch and numpy.</summary>
    public static string? Executable => Python.Value;

    /// <summary>Runs the interpreter with <paramref name="arguments"/> in <paramref name="workingDirectory"/>; returns exit code, stdout and stderr.</summary>
    public static (int Code, string Stdout, string Stderr) Run(IEnumerable<string> arguments, string? workingDirectory = null) =>
        RunProgram(Executable ?? throw new InvalidOperationException(MissingMessage), arguments, workingDirectory);

    /// <summary>Runs <paramref name="program"/> and returns its exit code, stdout and stderr (both read to the end).</summary>
    public static (int Code, string Stdout, string Stderr) RunProgram(string program, IEnumerable<string> arguments, string? workingDirectory = null) =>
        ChildProcess.Run(program, arguments, workingDirectory);

    internal const string MissingMessage =
        "no Python with torch and numpy: apt-get install -y python3-torch python3-numpy (for /usr/bin/python3), or set PCFGLAB_PYTHON";

    private static string? Find()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("PCFGLAB_PYTHON") is { Length: > 0 } given)
        {
            candidates.Add(given);
        }

        if (ReferencePython.Executable is { } onPath)
        {
            candidates.Add(onPath);
        }

        candidates.Add("/usr/bin/python3");
        foreach (var candidate in candidates)
        {
            if (!File.Exists(candidate))
            {
                continue;
            }

            try
            {
                var info = new ProcessStartInfo(candidate) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
                info.ArgumentList.Add("-c");
                info.ArgumentList.Add("import torch, numpy");
                using var process = Process.Start(info)!;
                process.StandardError.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not runnable: try the next.
            }
        }

        return null;
    }
}

/// <summary>
/// A fact that runs real PyTorch. Skipped, with the reason, where no interpreter has torch and numpy, except when
/// PCFGLAB_REQUIRE_TORCH=1 (CI installs torch and sets it), where it runs and fails instead.
/// </summary>
internal sealed class TorchFactAttribute : FactAttribute
{
    public TorchFactAttribute()
    {
        if (TorchPython.Executable is null && Environment.GetEnvironmentVariable(TorchPython.RequireVariable) != "1")
        {
            Skip = TorchPython.MissingMessage;
        }
    }
}
