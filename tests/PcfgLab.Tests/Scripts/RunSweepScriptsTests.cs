using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Scripts;

/// <summary>
/// run-sweep.sh and run-sweep.ps1 (under PowerShell 7.6.9, the repository's local dotnet tool) run the quick sweep
/// with the same native binary and must write the same datasets, plan, records and report.
/// </summary>
public sealed partial class RunSweepScriptsTests
{
    [Fact]
    public void Quick_ShellAndPowerShellWriteTheSameSweep()
    {
        using var temp = new TempFolder();
        var bash = Path.Combine(temp.Path, "sh");
        var pwsh = Path.Combine(temp.Path, "ps1");

        Check(Run("bash", ["./run-sweep.sh", "--quick", "--bin", NativeBinary.Executable, "--out", bash]));
        Check(Run("dotnet", ["tool", "restore"]));
        Check(Run("dotnet", ["pwsh", "-NoProfile", "-NonInteractive", "./run-sweep.ps1", "-Quick", "-Bin", NativeBinary.Executable, "-Out", pwsh]));

        string[] presets = ["gzipscale-0.11", "gzipscale-0.22", "gzipscale-0.35", "gzipscale-0.42", "gzipscale-0.51", "gzipscale-0.61"];
        foreach (var preset in presets)
        {
            var a = Path.Combine(bash, preset);
            var b = Path.Combine(pwsh, preset);
            foreach (var file in Directory.GetFiles(a, "*.parquet").Append(Path.Combine(a, "grammar.pcfg")))
            {
                Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, Path.GetFileName(file)))), file);
            }

            Assert.Equal(StableManifest.Hash(a), StableManifest.Hash(b));
        }

        Assert.Equal(File.ReadAllText(Path.Combine(bash, "plan.jsonl")), File.ReadAllText(Path.Combine(pwsh, "plan.jsonl")));
        Assert.Equal(96, File.ReadAllLines(Path.Combine(bash, "plan.jsonl")).Length);
        Assert.Equal(StableRecords(Path.Combine(bash, "results-synthetic.jsonl")), StableRecords(Path.Combine(pwsh, "results-synthetic.jsonl")));
        Assert.Equal(StableReport(Path.Combine(bash, "report-quick", "report.md"), bash), StableReport(Path.Combine(pwsh, "report-quick", "report.md"), pwsh));
        Assert.Equal(
            Directory.GetFiles(Path.Combine(bash, "report-quick", "figures")).Select(Path.GetFileName).Order(),
            Directory.GetFiles(Path.Combine(pwsh, "report-quick", "figures")).Select(Path.GetFileName).Order());
    }

    /// <summary>The records in cell order (two cells train at once, so the file's order varies), without times.</summary>
    private static string[] StableRecords(string path) =>
        File.ReadAllLines(path)
            .Select(line =>
            {
                var record = JsonNode.Parse(line)!.AsObject();
                record.Remove("finished_at");
                record.Remove("wall_seconds");
                return (Index: record["cell_index"]!.GetValue<int>(), Json: record.ToJsonString());
            })
            .OrderBy(r => r.Index)
            .Select(r => r.Json)
            .ToArray();

    /// <summary>report.md with the out folder's path and the time it was written taken out.</summary>
    private static string StableReport(string path, string outFolder) =>
        WrittenLine().Replace(File.ReadAllText(path).Replace(outFolder, "OUT", StringComparison.Ordinal), "- Written: TIME");

    [GeneratedRegex(@"- Written: [^\n]*")]
    private static partial Regex WrittenLine();

    private static (int Code, string Stdout, string Stderr) Run(string program, string[] arguments) =>
        ChildProcess.Run(program, arguments);

    private static void Check((int Code, string Stdout, string Stderr) run) =>
        Assert.True(run.Code == 0, $"exit {run.Code}: {run.Stdout} {run.Stderr}");
}
