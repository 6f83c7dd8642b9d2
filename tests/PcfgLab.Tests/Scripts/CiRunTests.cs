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

    /// <summary>
    /// A copy of the repository's scripts in a temporary folder with fake sources, and a fake dotnet on PATH that
    /// records each publish (writing a pcfglab that answers 'version', or failing when its publishFails argument is true)
    /// and whose 'test' prints the binary it was handed and one assembly's summary; apt-get and sudo refuse, should
    /// torch be missing here.
    /// </summary>
    private sealed class FakeRepository : IDisposable
    {
        private readonly TempFolder _temp = new();

        public FakeRepository(bool publishFails = false, bool formatFails = false)
        {
            Root = Path.Combine(_temp.Path, "repo");
            var fakeBin = Path.Combine(_temp.Path, "bin");
            Calls = Path.Combine(_temp.Path, "publish-calls");
            foreach (var folder in new[] { Path.Combine(Root, ".ci"), Path.Combine(Root, "src", "PcfgLab"), Path.Combine(Root, "src", "PcfgLab.Cli"), Path.Combine(_temp.Path, "home"), fakeBin })
            {
                Directory.CreateDirectory(folder);
            }

            foreach (var file in new[] { Path.Combine(".ci", "run"), Path.Combine(".ci", "count-tests"), Path.Combine(".ci", "native-binary"), "run-sweep.sh" })
            {
                File.Copy(Path.Combine(SharedFiles.RepositoryRoot, file), Path.Combine(Root, file));
            }

            File.WriteAllText(Path.Combine(Root, "src", "PcfgLab", "Library.cs"), "class Library { }\n");
            File.WriteAllText(Path.Combine(Root, "src", "PcfgLab.Cli", "Program.cs"), "class Program { }\n");
            File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project />\n");
            Executable(Path.Combine(fakeBin, "dotnet"), $$"""
                #!/bin/bash
                if [ "$1" = test ]; then
                  echo "handed: ${PCFGLAB_NATIVE_BINARY:-none}"
                  echo "Passed!  - Failed:     0, Passed:     1, Skipped:     0, Total:     1, Duration: 1 ms - PcfgLab.Tests.dll (net10.0)"
                  exit 0
                fi
                if [ "$1" = format ]; then
                  echo "format: $*"
                  {{(formatFails ? "echo 'Program.cs(1,1): error WHITESPACE: Fix whitespace formatting.'; exit 2" : "exit 0")}}
                fi
                [ "$1" = publish ] || exit 3
                echo "$*" >> '{{Calls}}'
                {{(publishFails ? "echo 'error NETSDK1000: no native tool chain' >&2; exit 1" : string.Empty)}}
                while [ $# -gt 0 ]; do [ "$1" = -o ] && out="$2"; shift; done
                mkdir -p "$out" && printf '#!/bin/sh\necho pcfglab fake\n' > "$out/pcfglab" && chmod +x "$out/pcfglab"
                """);
            Executable(Path.Combine(fakeBin, "apt-get"), "#!/bin/sh\nexit 1\n");
            Executable(Path.Combine(fakeBin, "sudo"), "#!/bin/sh\nexit 1\n");
            Environment = new Dictionary<string, string>
            {
                ["PATH"] = fakeBin + ":" + System.Environment.GetEnvironmentVariable("PATH"),
                ["HOME"] = Path.Combine(_temp.Path, "home"),
                ["PCFGLAB_BIN"] = string.Empty,
                ["PCFGLAB_NATIVE_BINARY"] = "/a/stale/value",
            };
        }

        public string Root { get; }

        public string Calls { get; }

        public Dictionary<string, string> Environment { get; }

        public string Binary => Path.Combine(Root, ".tools", "pcfglab", "pcfglab");

        public int Publishes => File.Exists(Calls) ? File.ReadAllLines(Calls).Length : 0;

        public (int Code, string Stdout, string Stderr) Run(string script, params string[] arguments) =>
            ChildProcess.Run("bash", [Path.Combine(Root, script), .. arguments], workingDirectory: Root, environment: Environment, timeout: TimeSpan.FromMinutes(2));

        public void Dispose() => _temp.Dispose();
    }

    [Fact]
    public void NativeBinary_publishes_once_with_run_sweeps_command_and_stamp_and_again_when_src_changes()
    {
        using var repo = new FakeRepository();
        var script = Path.Combine(".ci", "native-binary");

        var first = repo.Run(script);

        Assert.True(first.Code == 0, first.Stderr);
        Assert.Equal(repo.Binary + "\n", first.Stdout);
        Assert.Equal(1, repo.Publishes);
        var rid = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        Assert.Contains($"-r {rid} -p:PublishAot=true", File.ReadAllText(repo.Calls), StringComparison.Ordinal);

        // The same stamp as run-sweep.sh's: neither publishes again while the sources stay the same.
        var second = repo.Run(script);
        var sweep = repo.Run("run-sweep.sh", "--link");

        Assert.Equal(repo.Binary + "\n", second.Stdout);
        Assert.True(sweep.Code == 0, sweep.Stderr);
        Assert.Contains("(current: src/ unchanged since it was published)", sweep.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, repo.Publishes);

        File.AppendAllText(Path.Combine(repo.Root, "src", "PcfgLab", "Library.cs"), "// changed\n");
        var third = repo.Run(script);

        Assert.Equal(repo.Binary + "\n", third.Stdout);
        Assert.Equal(2, repo.Publishes);
    }

    [Fact]
    public void NativeBinary_prints_nothing_and_fails_when_the_publish_fails()
    {
        using var repo = new FakeRepository(publishFails: true);

        var run = repo.Run(Path.Combine(".ci", "native-binary"));

        Assert.NotEqual(0, run.Code);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Contains("no native tool chain", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(repo.Root, ".tools", "pcfglab", ".source-stamp")));
    }

    [Fact]
    public void CiRun_hands_the_native_binary_to_dotnet_test()
    {
        // One run of .ci/run (it imports torch and nltk: seconds); a failing publish is tested on .ci/native-binary itself.
        using var repo = new FakeRepository();

        var run = repo.Run(Path.Combine(".ci", "run"));

        Assert.True(run.Code == 0, run.Stdout + run.Stderr);
        Assert.Equal(1, repo.Publishes);
        Assert.Contains($"== native binary: {repo.Binary} (ready in ", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"handed: {repo.Binary}\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("format: format PcfgLab.sln --verify-no-changes", run.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("1 passed, 0 failed, 0 skipped\n", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void CiRun_fails_when_dotnet_format_would_change_a_file_even_if_every_test_passes()
    {
        using var repo = new FakeRepository(formatFails: true);

        var run = repo.Run(Path.Combine(".ci", "run"));

        Assert.NotEqual(0, run.Code);
        Assert.Contains("format check failed: run 'dotnet format PcfgLab.sln' and commit the result", run.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("1 passed, 1 failed, 0 skipped\n", run.Stdout, StringComparison.Ordinal);
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

    [Fact]
    public void CiRun_fails_on_a_file_dotnet_format_would_change_and_the_build_enforces_the_style()
    {
        var script = File.ReadAllText(Path.Combine(SharedFiles.RepositoryRoot, ".ci", "run"));
        var props = XDocument.Load(Path.Combine(SharedFiles.RepositoryRoot, "Directory.Build.props"));
        var editorConfig = File.ReadAllLines(Path.Combine(SharedFiles.RepositoryRoot, ".editorconfig"));

        Assert.Contains("dotnet format PcfgLab.sln --verify-no-changes", script, StringComparison.Ordinal);
        Assert.Equal("true", props.Descendants("EnforceCodeStyleInBuild").Single().Value);
        Assert.Equal("true", props.Descendants("TreatWarningsAsErrors").Single().Value);
        // An unused using breaks the build, not only the format check.
        Assert.Contains("dotnet_diagnostic.IDE0005.severity = error", editorConfig);
    }
}
