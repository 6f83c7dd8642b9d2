namespace PcfgLab.Tests.TestSupport;

/// <summary>
/// The native pcfglab binary: the one named by <see cref="Variable"/> (.ci/run publishes it once, before the tests),
/// else published once per test run exactly as the README and run-sweep.sh publish it
/// (<c>dotnet publish src/PcfgLab.Cli -c Release -r linux-x64 -p:PublishAot=true</c>), into a temporary folder.
/// </summary>
internal static class NativeBinary
{
    /// <summary>The environment variable that names an already published pcfglab (set by .ci/run).</summary>
    public const string Variable = "PCFGLAB_NATIVE_BINARY";

    private static readonly Lazy<string> Folder = new(
        () => Choose(Environment.GetEnvironmentVariable(Variable), Publish), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The publish folder: pcfglab, libSkiaSharp.so and libHarfBuzzSharp.so.</summary>
    public static string PublishFolder => Folder.Value;

    /// <summary>The executable.</summary>
    public static string Executable => Path.Combine(PublishFolder, "pcfglab");

    /// <summary>Runs the binary with <paramref name="arguments"/>; returns exit code, stdout and stderr.</summary>
    public static (int Code, string Stdout, string Stderr) Run(params string[] arguments) =>
        TorchPython.RunProgram(Executable, arguments);

    /// <summary>
    /// The publish folder: the folder of <paramref name="given"/> when one is given (it must exist and answer
    /// <c>version</c>: a wrong path fails at once with a message, never by a silent publish), else <paramref name="publish"/>'s.
    /// </summary>
    internal static string Choose(string? given, Func<string> publish)
    {
        if (string.IsNullOrEmpty(given))
        {
            return publish();
        }

        if (!File.Exists(given))
        {
            throw new InvalidOperationException($"{Variable}={given}: no such file; point it at a published pcfglab, or unset it and the tests publish one");
        }

        var (code, output, error) = ChildProcess.Run(given, ["version"], timeout: TimeSpan.FromMinutes(1));
        if (code != 0)
        {
            throw new InvalidOperationException($"{Variable}={given}: 'version' failed ({code}): {output} {error}; point it at a published pcfglab, or unset it");
        }

        return Path.GetDirectoryName(Path.GetFullPath(given))!;
    }

    private static string Publish()
    {
        var folder = Path.Combine(Path.GetTempPath(), "pcfglab-native-" + Environment.ProcessId);
        var (code, output, error) = ChildProcess.Run(
            "dotnet",
            [
                "publish", Path.Combine("src", "PcfgLab.Cli", "PcfgLab.Cli.csproj"), "-c", "Release", "-r", "linux-x64",
                "-p:PublishAot=true", "-o", folder, "--nologo", "-v", "quiet", "-nodeReuse:false",
            ],
            timeout: TimeSpan.FromMinutes(10));
        if (code != 0 || !File.Exists(Path.Combine(folder, "pcfglab")))
        {
            throw new InvalidOperationException($"dotnet publish of the native binary failed ({code}): {output} {error}");
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return folder;
    }
}
