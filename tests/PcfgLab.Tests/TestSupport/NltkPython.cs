using System.Diagnostics;

namespace PcfgLab.Tests.TestSupport;

/// <summary>
/// Debian's /usr/bin/python3 with python3-nltk (the pyenv python3 first on PATH has no NLTK), running
/// tests/PcfgLab.Tests/Grammars/Data/nltk_interop.py.
/// </summary>
internal static class NltkPython
{
    public const string Interpreter = "/usr/bin/python3";

    public static string Script { get; } = Path.Combine(SharedFiles.RepositoryRoot, "tests", "PcfgLab.Tests", "Grammars", "Data", "nltk_interop.py");

    /// <summary>True when the interpreter imports nltk.</summary>
    public static bool Available { get; } = File.Exists(Interpreter) && Run(["-c", "import nltk"]).Code == 0;

    /// <summary>Runs the interop script with <paramref name="args"/>.</summary>
    public static (int Code, string Stdout, string Stderr) RunScript(params string[] args) => Run([Script, .. args]);

    private static (int Code, string Stdout, string Stderr) Run(string[] args)
    {
        var info = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>A fact that needs NLTK under /usr/bin/python3; skipped, naming the package, where it is missing.</summary>
internal sealed class NltkFactAttribute : FactAttribute
{
    public NltkFactAttribute()
    {
        if (!NltkPython.Available)
        {
            Skip = "needs NLTK for /usr/bin/python3: apt-get install python3-nltk";
        }
    }
}
