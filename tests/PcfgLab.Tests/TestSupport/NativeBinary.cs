using System.Diagnostics;

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
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = SharedFiles.RepositoryRoot,
        };
        foreach (var a in new[]
                 {
                     "publish", Path.Combine("src", "PcfgLab.Cli", "PcfgLab.Cli.csproj"), "-c", "Release", "-r", "linux-x64",
                     "-p:PublishAot=true", "-o", folder, "--nologo", "-v", "quiet", "-nodeReuse:false",
                 })
        {
            info.ArgumentList.Add(a);
        }

        // The test host runs under 'dotnet test', whose MSBuild variables would point the nested build at the wrong SDK parts.
        foreach (var name in new[] { "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildExtensionsPath", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            info.Environment.Remove(name);
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet publish of the native binary ran past 10 minutes");
        }

        if (process.ExitCode != 0 || !File.Exists(Path.Combine(folder, "pcfglab")))
        {
            throw new InvalidOperationException($"dotnet publish of the native binary failed ({process.ExitCode}): {output} {error.Result}");
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
