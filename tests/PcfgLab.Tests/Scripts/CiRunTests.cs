using System.Xml.Linq;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Scripts;

/// <summary>
/// .ci/run: plain <c>dotnet test</c> prints each finished test (the test project's logger setting), and the
/// "N passed, N failed" line .ci/count-tests prints is summed over the per-assembly summaries only.
/// </summary>
public sealed class CiRunTests
{
    /// <summary>What the console logger prints at normal verbosity for two assemblies, one test failing.</summary>
    private const string NormalLog = """
          Passed PcfgLab.Tests.A.One [3 ms]
          Failed PcfgLab.Tests.A.Two [12 ms]
          Error Message:
           Assert.Equal() Failure: Failed: 5, Passed: 7
          Skipped PcfgLab.Tests.A.Three [1 ms]

        Test Run Failed.
        Total tests: 3
             Passed: 1
             Failed: 1
            Skipped: 1
         Total time: 2.5 Seconds
          Passed Other.B.One [1 ms]
          Passed Other.B.Two [1 ms]

        Test Run Successful.
        Total tests: 2
             Passed: 2
         Total time: 0.8 Seconds

        """;

    /// <summary>The same at verbosity minimal (a logger given on the command line): one line per assembly.</summary>
    private const string MinimalLog = """
          Failed PcfgLab.Tests.A.Two [12 ms]
          Error Message:
           Assert.Equal() Failure: Failed: 5, Passed: 7
        Failed!  - Failed:     1, Passed:     1, Skipped:     1, Total:     3, Duration: 40 ms - PcfgLab.Tests.dll (net10.0)
        Passed!  - Failed:     0, Passed:     2, Skipped:     0, Total:     2, Duration: 9 ms - Other.Tests.dll (net10.0)

        """;

    [Theory]
    [InlineData(NormalLog)]
    [InlineData(MinimalLog)]
    public void CountTests_sums_the_summaries_and_ignores_test_output(string log)
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "test.log");
        File.WriteAllText(path, log);

        var (code, stdout, stderr) = ChildProcess.Run("bash", ["-c", ".ci/count-tests < \"$1\"", "count", path]);

        Assert.True(code == 0, stderr);
        Assert.Equal("3 passed, 1 failed, 1 skipped\n", stdout);
    }

    [Fact]
    public void CountTests_counts_nothing_when_no_assembly_ran()
    {
        using var temp = new TempFolder();
        var log = Path.Combine(temp.Path, "test.log");
        File.WriteAllText(log, "error CS1002: ; expected\nBuild FAILED.\n");

        var (code, stdout, _) = ChildProcess.Run("bash", ["-c", ".ci/count-tests < \"$1\"", "count", log]);

        Assert.Equal(0, code);
        Assert.Equal("0 passed, 0 failed, 0 skipped\n", stdout);
    }

    [Fact]
    public void CiRun_reads_its_counts_from_count_tests()
    {
        var script = File.ReadAllText(Path.Combine(SharedFiles.RepositoryRoot, ".ci", "run"));

        Assert.Contains("dotnet test 2>&1 | tee \"$log\"", script, StringComparison.Ordinal);
        Assert.Contains(".ci/count-tests < \"$log\"", script, StringComparison.Ordinal);
    }

    [Fact]
    public void CiRun_publishes_the_native_binary_once_and_hands_it_to_the_tests()
    {
        using var temp = new TempFolder();
        var repo = Path.Combine(temp.Path, "repo");
        var home = Path.Combine(temp.Path, "home");
        var fakeBin = Path.Combine(temp.Path, "bin");
        var calls = Path.Combine(temp.Path, "publish-calls");
        foreach (var folder in new[] { Path.Combine(repo, ".ci"), Path.Combine(repo, "src", "PcfgLab"), Path.Combine(repo, "src", "PcfgLab.Cli"), home, fakeBin })
        {
            Directory.CreateDirectory(folder);
        }

        foreach (var file in new[] { Path.Combine(".ci", "run"), Path.Combine(".ci", "count-tests"), "run-sweep.sh" })
        {
            File.Copy(Path.Combine(SharedFiles.RepositoryRoot, file), Path.Combine(repo, file));
        }

        File.WriteAllText(Path.Combine(repo, "src", "PcfgLab", "Library.cs"), "class Library { }\n");
        File.WriteAllText(Path.Combine(repo, "src", "PcfgLab.Cli", "Program.cs"), "class Program { }\n");
        File.WriteAllText(Path.Combine(repo, "Directory.Build.props"), "<Project />\n");
        // A dotnet that records each publish (writing a pcfglab that answers 'version') and whose 'test' prints the
        // binary it was handed and one assembly's summary; apt-get and sudo that refuse, should torch be missing here.
        Executable(Path.Combine(fakeBin, "dotnet"), $$"""
            #!/bin/bash
            if [ "$1" = test ]; then
              echo "handed: ${PCFGLAB_NATIVE_BINARY:-none}"
              echo "Passed!  - Failed:     0, Passed:     1, Skipped:     0, Total:     1, Duration: 1 ms - PcfgLab.Tests.dll (net10.0)"
              exit 0
            fi
            [ "$1" = publish ] || exit 3
            echo "$*" >> '{{calls}}'
            while [ $# -gt 0 ]; do [ "$1" = -o ] && out="$2"; shift; done
            mkdir -p "$out" && printf '#!/bin/sh\necho pcfglab fake\n' > "$out/pcfglab" && chmod +x "$out/pcfglab"
            """);
        Executable(Path.Combine(fakeBin, "apt-get"), "#!/bin/sh\nexit 1\n");
        Executable(Path.Combine(fakeBin, "sudo"), "#!/bin/sh\nexit 1\n");
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = fakeBin + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["HOME"] = home,
            ["PCFGLAB_BIN"] = string.Empty,
            ["PCFGLAB_NATIVE_BINARY"] = "/a/stale/value",
        };
        var binary = Path.Combine(repo, ".tools", "pcfglab", "pcfglab");
        int Publishes() => File.Exists(calls) ? File.ReadAllLines(calls).Length : 0;
        (int Code, string Stdout, string Stderr) Run(string script, params string[] arguments) =>
            ChildProcess.Run("bash", [Path.Combine(repo, script), .. arguments], workingDirectory: repo, environment: environment, timeout: TimeSpan.FromMinutes(2));

        var first = Run(Path.Combine(".ci", "run"));

        Assert.True(first.Code == 0, first.Stdout + first.Stderr);
        Assert.Equal(1, Publishes());
        Assert.Contains($"-r {(System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "linux-arm64" : "linux-x64")} -p:PublishAot=true", File.ReadAllText(calls), StringComparison.Ordinal);
        Assert.Contains($"handed: {binary}\n", first.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("1 passed, 0 failed, 0 skipped\n", first.Stdout, StringComparison.Ordinal);

        // The same stamp as run-sweep.sh's: neither publishes again while the sources stay the same.
        var second = Run(Path.Combine(".ci", "run"));
        var sweep = Run("run-sweep.sh", "--link");

        Assert.Contains($"handed: {binary}\n", second.Stdout, StringComparison.Ordinal);
        Assert.True(sweep.Code == 0, sweep.Stderr);
        Assert.Contains("(current: src/ unchanged since it was published)", sweep.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, Publishes());

        File.AppendAllText(Path.Combine(repo, "src", "PcfgLab", "Library.cs"), "// changed\n");
        var third = Run(Path.Combine(".ci", "run"));

        Assert.Contains($"handed: {binary}\n", third.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, Publishes());
    }

    [Fact]
    public void CiRun_hands_no_binary_when_the_publish_fails_and_the_tests_publish_their_own()
    {
        using var temp = new TempFolder();
        var repo = Path.Combine(temp.Path, "repo");
        var fakeBin = Path.Combine(temp.Path, "bin");
        Directory.CreateDirectory(Path.Combine(repo, ".ci"));
        Directory.CreateDirectory(fakeBin);
        foreach (var file in new[] { Path.Combine(".ci", "run"), Path.Combine(".ci", "count-tests"), "run-sweep.sh" })
        {
            File.Copy(Path.Combine(SharedFiles.RepositoryRoot, file), Path.Combine(repo, file));
        }

        Executable(Path.Combine(fakeBin, "dotnet"), """
            #!/bin/bash
            [ "$1" = test ] || { echo "error NETSDK1000: no native tool chain" >&2; exit 1; }
            echo "handed: ${PCFGLAB_NATIVE_BINARY:-none}"
            """);
        Executable(Path.Combine(fakeBin, "apt-get"), "#!/bin/sh\nexit 1\n");
        Executable(Path.Combine(fakeBin, "sudo"), "#!/bin/sh\nexit 1\n");
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = fakeBin + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["PCFGLAB_NATIVE_BINARY"] = "/a/stale/value",
        };

        var run = ChildProcess.Run("bash", [Path.Combine(repo, ".ci", "run")], workingDirectory: repo, environment: environment, timeout: TimeSpan.FromMinutes(2));

        Assert.Contains("warning: no native binary published here; the native tests publish their own\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("handed: none\n", run.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(repo, ".tools", "pcfglab", ".source-stamp")));
    }

    private static void Executable(string path, string text)
    {
        File.WriteAllText(path, text.Replace("\r", "", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void Plain_dotnet_test_prints_each_finished_test()
    {
        var project = XDocument.Load(Path.Combine(SharedFiles.RepositoryRoot, "tests", "PcfgLab.Tests", "PcfgLab.Tests.csproj"));

        var logger = project.Descendants("VSTestLogger").Select(e => e.Value).SingleOrDefault();

        // The console logger at normal verbosity writes one line per finished test ("  Passed Name [5 ms]"); the
        // default (minimal) writes only failures and the summary, nothing for minutes. %3B is MSBuild's ';'.
        Assert.Equal("console%3Bverbosity=normal", logger);
    }
}
