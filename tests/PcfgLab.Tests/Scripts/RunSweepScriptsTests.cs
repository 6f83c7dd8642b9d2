using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Scripts;

/// <summary>
/// run-sweep.sh and run-sweep.ps1 (under PowerShell 7.6.9, the repository's local dotnet tool) run the quick sweep
/// with the same native binary and must write the same datasets, plan, records and report; the default job
/// regenerates the committed CPU runs' data and reports them; the binary is published only when its sources changed.
/// </summary>
[Trait("Speed", "slow")]
public sealed partial class RunSweepScriptsTests
{
    [Fact]
    public void Quick_ShellAndPowerShellWriteTheSameSweep()
    {
        using var temp = new TempFolder();
        var bash = Path.Combine(temp.Path, "sh");
        var pwsh = Path.Combine(temp.Path, "ps1");

        // 20 resamples, not the mode's 100: the report's fits are half of a quick run, and the same on both scripts.
        Check(Run("bash", ["./run-sweep.sh", "--quick", "--bootstrap", "20", "--bin", NativeBinary.Executable, "--out", bash]));
        Check(Run("dotnet", ["tool", "restore"]));
        Check(Run("dotnet", ["pwsh", "-NoProfile", "-NonInteractive", "./run-sweep.ps1", "-Quick", "-Bootstrap", "20", "-Bin", NativeBinary.Executable, "-Out", pwsh]));

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
        Assert.Equal(StableReport(Path.Combine(bash, "report", "report.md"), bash), StableReport(Path.Combine(pwsh, "report", "report.md"), pwsh));
        Assert.Equal(
            Directory.GetFiles(Path.Combine(bash, "report", "figures")).Select(Path.GetFileName).Order(),
            Directory.GetFiles(Path.Combine(pwsh, "report", "figures")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Default_job_regenerates_the_committed_runs_data_and_reports_them_with_the_bootstrap()
    {
        using var temp = new TempFolder();
        var cpu = Path.Combine(temp.Path, "cpu");

        var run = Run("bash", ["./run-sweep.sh", "--bin", NativeBinary.Executable, "--out", cpu, "--bootstrap", "20"]);

        Check(run);
        // The data the records in results/cpu-grid.jsonl were trained on: the script checked the hashes, and the
        // plan's H equals every record's H.
        Assert.Contains("== checked: the six datasets are the bytes the committed runs saw", run.Stderr, StringComparison.Ordinal);
        var planH = File.ReadAllLines(Path.Combine(cpu, "plan.jsonl"))
            .Select(line => JsonNode.Parse(line)!.AsObject())
            .ToDictionary(cell => cell["cell_id"]!.GetValue<string>(), cell => cell["H"]!.GetValue<double>());
        var records = File.ReadAllLines(Path.Combine(SharedFiles.RepositoryRoot, "results", "cpu-grid.jsonl"));
        Assert.Equal(96, planH.Count);
        Assert.Equal(96, records.Length);
        foreach (var line in records)
        {
            var record = JsonNode.Parse(line)!.AsObject();
            Assert.Equal(record["H"]!.GetValue<double>(), planH[record["cell_id"]!.GetValue<string>()]);
        }

        Assert.True(File.Exists(Path.Combine(cpu, "gzipscale-0.35", "tokens.npy")));
        Assert.Contains("96 planned, 96 with a record", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.Contains("== train: none asked", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("missing cells: 0", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("bootstrap", File.ReadAllText(Path.Combine(cpu, "report", "report.md")), StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"== done: read {cpu}/report/report.md; the three figures to look at first:", run.Stderr, StringComparison.Ordinal);
        Assert.Contains($"   {cpu}/report/figures/parameter-beta.png", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "study")));
    }

    [Theory]
    [InlineData(new[] { "--tokens", "10M" }, "--tokens: the CPU grid is sweeps/cpu.json")]
    [InlineData(new[] { "--trainer", "true" }, "--trainer trains the study's grid: add --study")]
    [InlineData(new[] { "--quick", "--train", "cpu" }, "--train cpu trains the CPU grid (the default mode) or the designed grid (--designed): drop --quick")]
    [InlineData(new[] { "--quick", "--study" }, "--study, --quick and --designed are modes: pick one")]
    [InlineData(new[] { "--designed", "--quick" }, "--study, --quick and --designed are modes: pick one")]
    [InlineData(new[] { "--pilot" }, "--pilot trains the designed grid's pilot: add --designed")]
    [InlineData(new[] { "--designed", "--budgets", "1M" }, "--budgets: the designed grid is sweeps/designed.json (edit its groups)")]
    [InlineData(new[] { "--designed", "--out", "elsewhere" }, "--out elsewhere: the designed grid's datasets are where sweeps/designed.json's dataRoot points (out/designed)")]
    public void Options_that_do_not_fit_the_mode_are_refused(string[] arguments, string expected)
    {
        var run = Run("bash", ["./run-sweep.sh", "--bin", "/bin/true", .. arguments]);

        Assert.Equal(2, run.Code);
        Assert.Contains(expected, run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_binary_is_published_only_when_its_sources_changed_and_link_puts_it_on_path()
    {
        using var temp = new TempFolder();
        var repo = Path.Combine(temp.Path, "repo");
        var home = Path.Combine(temp.Path, "home");
        var fakeBin = Path.Combine(temp.Path, "bin");
        var calls = Path.Combine(temp.Path, "publish-calls");
        foreach (var folder in new[] { Path.Combine(repo, "src", "PcfgLab"), Path.Combine(repo, "src", "PcfgLab.Cli"), home, fakeBin })
        {
            Directory.CreateDirectory(folder);
        }

        File.Copy(Path.Combine(SharedFiles.RepositoryRoot, "run-sweep.sh"), Path.Combine(repo, "run-sweep.sh"));
        File.Copy(Path.Combine(SharedFiles.RepositoryRoot, "run-sweep.ps1"), Path.Combine(repo, "run-sweep.ps1"));
        File.WriteAllText(Path.Combine(repo, "src", "PcfgLab", "Library.cs"), "class Library { }\n");
        File.WriteAllText(Path.Combine(repo, "src", "PcfgLab.Cli", "Program.cs"), "class Program { }\n");
        File.WriteAllText(Path.Combine(repo, "Directory.Build.props"), "<Project />\n");
        // A dotnet that records each publish and writes a pcfglab that answers 'version'.
        var dotnet = Path.Combine(fakeBin, "dotnet");
        File.WriteAllText(dotnet, $$"""
            #!/bin/bash
            [ "$1" = publish ] || exit 3
            echo "$*" >> '{{calls}}'
            while [ $# -gt 0 ]; do [ "$1" = -o ] && out="$2"; shift; done
            mkdir -p "$out" && printf '#!/bin/sh\necho pcfglab fake\n' > "$out/pcfglab" && chmod +x "$out/pcfglab"
            """.Replace("\r", "", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dotnet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = fakeBin + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["HOME"] = home,
            ["PCFGLAB_BIN"] = string.Empty,
            // dotnet finds the local pwsh tool and its own settings under the real home, not the test's.
            ["NUGET_PACKAGES"] = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
                ? packages
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
            ["DOTNET_CLI_HOME"] = Environment.GetEnvironmentVariable("DOTNET_CLI_HOME") is { Length: > 0 } cliHome
                ? cliHome
                : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
        };
        int Publishes() => File.Exists(calls) ? File.ReadAllLines(calls).Length : 0;
        (int Code, string Stdout, string Stderr) Link() =>
            ChildProcess.Run("bash", [Path.Combine(repo, "run-sweep.sh"), "--link"], workingDirectory: repo, environment: environment);

        var first = Link();
        Check(first);
        Assert.Equal(1, Publishes());
        Assert.Contains("== build: publishing pcfglab", first.Stderr, StringComparison.Ordinal);
        Assert.Contains("the first build takes about 3-4 minutes", first.Stderr, StringComparison.Ordinal);
        var link = Path.Combine(home, ".local", "bin", "pcfglab");
        Assert.Equal(Path.Combine(repo, ".tools", "pcfglab", "pcfglab"), new FileInfo(link).LinkTarget);
        Assert.Contains("is not on PATH", first.Stderr, StringComparison.Ordinal);

        var second = Link();
        Check(second);
        Assert.Equal(1, Publishes());
        Assert.Contains("(current: src/ unchanged since it was published)", second.Stderr, StringComparison.Ordinal);

        // PowerShell computes the same stamp: it reuses the shell script's build.
        var realDotnet = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
            .Select(folder => Path.Combine(folder, "dotnet")).FirstOrDefault(File.Exists) ?? "dotnet";
        Check(ChildProcess.Run(realDotnet, ["tool", "restore"]));
        var pwsh = ChildProcess.Run(realDotnet, ["pwsh", "-NoProfile", "-NonInteractive", Path.Combine(repo, "run-sweep.ps1"), "-Link"], environment: environment);
        Check(pwsh);
        Assert.Equal(1, Publishes());

        File.AppendAllText(Path.Combine(repo, "src", "PcfgLab.Cli", "Program.cs"), "// changed\n");
        Check(Link());
        Assert.Equal(2, Publishes());
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
