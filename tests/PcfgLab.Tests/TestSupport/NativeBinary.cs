namespace PcfgLab.Tests.TestSupport;

/// <summary>
/// The native pcfglab binary, published once per test run exactly as the README and run-sweep.sh publish it
/// (<c>dotnet publish src/PcfgLab.Cli -c Release -r linux-x64 -p:PublishAot=true</c>), into a temporary folder.
/// </summary>
internal static class NativeBinary
{
    private static readonly Lazy<string> Folder = new(Publish, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The publish folder: pcfglab, libSkiaSharp.so and libHarfBuzzSharp.so.</summary>
    public static string PublishFolder => Folder.Value;

    /// <summary>The executable.</summary>
    public static string Executable => Path.Combine(PublishFolder, "pcfglab");

    /// <summary>Runs the binary with <paramref name="arguments"/>; returns exit code, stdout and stderr.</summary>
    public static (int Code, string Stdout, string Stderr) Run(params string[] arguments) =>
        TorchPython.RunProgram(Executable, arguments);

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
