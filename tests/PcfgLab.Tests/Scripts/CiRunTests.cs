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
