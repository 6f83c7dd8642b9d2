namespace PcfgLab.Tests.TestSupport;

/// <summary>Runs ../shared/reference/reference_generator.py (or other python3 code) for tests that compare with it.</summary>
internal static class ReferencePython
{
    private static readonly Lazy<string?> Python = new(Find);

    /// <summary>Full path of python3 on PATH, or null.</summary>
    public static string? Executable => Python.Value;

    /// <summary>Runs python3 with the arguments and returns its stdout lines (empty lines dropped); fails the test on a non-zero exit.</summary>
    public static string[] Run(IEnumerable<string> arguments)
    {
        var (code, output, error) = ChildProcess.Run(Executable ?? throw new InvalidOperationException("python3 is not on PATH"), arguments);
        if (code != 0)
        {
            throw new InvalidOperationException("python3 failed: " + error);
        }

        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string? Find()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, "python3")))
            {
                return Path.Combine(dir, "python3");
            }
        }

        return null;
    }
}

/// <summary>A theory that needs ../shared and python3 on PATH; skipped, with the reason, where either is missing.</summary>
internal sealed class ReferencePythonTheoryAttribute : TheoryAttribute
{
    public ReferencePythonTheoryAttribute()
    {
        if (SharedFiles.Directory is null)
        {
            Skip = "needs ../shared beside the repository (reference generator); CI provides it";
        }
        else if (ReferencePython.Executable is null)
        {
            Skip = "needs python3 on PATH to run the reference generator; the fixture tests still check the first 32 documents";
        }
    }
}

/// <summary>A fact that needs ../shared and python3 on PATH; skipped, with the reason, where either is missing.</summary>
internal sealed class ReferencePythonFactAttribute : FactAttribute
{
    public ReferencePythonFactAttribute()
    {
        if (SharedFiles.Directory is null)
        {
            Skip = "needs ../shared beside the repository (reference generator); CI provides it";
        }
        else if (ReferencePython.Executable is null)
        {
            Skip = "needs python3 on PATH to run the reference generator";
        }
    }
}
