using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PcfgLab.Sweeps;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Scripts;

/// <summary>
/// sweeps/gpu/run.sh, the one prepared GPU run, run here on the CPU with real PyTorch (--device cpu), the JIT build of
/// the CLI (no native publish), tiny datasets and budgets, and a 25-second deadline: it must end on time, leave only
/// whole, valid records of planned cells, and a second run must skip them. Alone (<see cref="TimedScriptRuns"/>): other
/// test classes running beside it would eat its deadline.
/// </summary>
[Collection(nameof(TimedScriptRuns))]
public sealed class GpuRunScriptTests
{
    // Long enough for the first cells on a slow processor (startup about 7 s, then about 3 s a cell, two at once; the
    // datasets are generated before, untimed), short enough to leave most of the 48 cells for the second run. The
    // whole test runs alone at the end of the suite, so every second here is a second of the suite.
    private const int FirstDeadline = 25;

    private static readonly string[] RequiredFields =
        ["cell_id", "cell_index", "dataset", "H", "N", "D", "final_train_loss", "final_valid_loss", "train_losses", "steps",
         "wall_seconds", "device", "dtype", "torch_version", "profile", "learning_rate", "batch_size", "seed", "shape", "finished_at"];

    [TorchFact]
    [Trait("Speed", "slow")]
    public void On_the_cpu_it_stops_by_its_deadline_with_whole_records_and_a_second_run_skips_them()
    {
        using var temp = new TempFolder();
        var output = Path.Combine(temp.Path, "out");
        var data = Path.Combine(temp.Path, "data");

        // The datasets first, untimed (--plan-only: generate, check the hashes, plan), so that the timed runs' deadline
        // measures training, not how fast a loaded machine generates.
        var prepared = RunScript(output, data, deadline: 600, margin: 5, "--plan-only");
        Assert.True(prepared.Code == 0, $"exit {prepared.Code}: {prepared.Stdout} {prepared.Stderr}");
        Assert.Equal(6, Occurrences(prepared.Stderr, "grammar rules and tokens.npy match"));
        Assert.False(File.Exists(Path.Combine(output, "cpu.jsonl")), "--plan-only trained");

        var clock = Stopwatch.StartNew();
        var first = RunScript(output, data, deadline: FirstDeadline, margin: 5);
        var took = clock.Elapsed;

        Assert.True(first.Code == 0, $"exit {first.Code}: {first.Stdout} {first.Stderr}");
        Assert.True(took < TimeSpan.FromSeconds(FirstDeadline + 30), $"the {FirstDeadline}-second run took {took}");
        Assert.Equal(6, Occurrences(first.Stderr, "already generated"));
        var plans = new Dictionary<string, Dictionary<string, JsonElement>>
        {
            ["study"] = ReadPlan(Path.Combine(output, "plan-study.jsonl")),
            ["compare"] = ReadPlan(Path.Combine(output, "plan-cpu-compare.jsonl")),
        };
        Assert.Equal(24, plans["study"].Count);
        Assert.Equal(24, plans["compare"].Count);

        var records = Path.Combine(output, "cpu.jsonl");
        var lines = File.Exists(records) ? File.ReadAllLines(records) : [];
        Assert.True(lines.Length > 0, $"no cell finished within the {FirstDeadline} s: {first.Stdout} {first.Stderr}");
        Assert.True(lines.Length < 48, "the deadline was meant to leave cells: the test no longer tests it");
        foreach (var line in lines)
        {
            CheckRecord(line, plans);
        }

        Assert.Equal(lines.Length, lines.Select(CellId).Distinct().Count());
        foreach (var (label, plan) in plans)
        {
            var done = lines.Count(l => plan.ContainsKey(CellId(l)));
            Assert.Contains($"{label}: 24 cells planned, {done} with a record, {24 - done} left", first.Stdout, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(Path.Combine(output, "failures-study.jsonl")), first.Stdout);
        Assert.False(File.Exists(Path.Combine(output, "failures-cpu-compare.jsonl")), first.Stdout);

        // Again, with a shorter deadline: the datasets are reused and the recorded cells skipped.
        var second = RunScript(output, data, deadline: 15, margin: 5);

        Assert.True(second.Code == 0, $"exit {second.Code}: {second.Stdout} {second.Stderr}");
        Assert.Equal(6, Occurrences(second.Stderr, "already generated"));
        var studyDone = lines.Count(l => plans["study"].ContainsKey(CellId(l)));
        var compareDone = lines.Length - studyDone;
        Assert.Contains($"cells: 24 planned, {studyDone} already done,", second.Stdout, StringComparison.Ordinal);
        Assert.Contains($"cells: 24 planned, {compareDone} already done,", second.Stdout, StringComparison.Ordinal);
        var after = File.ReadAllLines(records);
        Assert.Equal(lines, after.Take(lines.Length));
        Assert.Equal(after.Length, after.Select(CellId).Distinct().Count());
        foreach (var line in after.Skip(lines.Length))
        {
            CheckRecord(line, plans);
        }

        // A dataset whose hash differs from the committed row stops the run before any training.
        var hashes = Path.Combine(temp.Path, "wrong.tsv");
        File.WriteAllLines(hashes, File.ReadAllLines(Path.Combine(SharedFiles.RepositoryRoot, "sweeps", "gpu", "datasets.tsv"))
            .Select(l => l.StartsWith("gzipscale-0.35\t1\t100096\t", StringComparison.Ordinal) ? l[..^4] + "0000" : l));
        var wrong = RunScript(output, data, deadline: 15, margin: 5, "--hashes", hashes);

        Assert.Equal(2, wrong.Code);
        Assert.Contains("error: ", wrong.Stderr, StringComparison.Ordinal);
        Assert.Contains("gzipscale-0.35: grammar", wrong.Stderr, StringComparison.Ordinal);
        Assert.Equal(after, File.ReadAllLines(records));
    }

    [Fact]
    public void The_comparison_plan_is_the_cpu_grids_two_largest_shapes_with_its_budgets_vocabulary_and_profile()
    {
        var cpu = SweepSpec.Load(Path.Combine(SharedFiles.RepositoryRoot, "sweeps", "cpu.json"));
        var compare = SweepSpec.Load(Path.Combine(SharedFiles.RepositoryRoot, "sweeps", "gpu", "cpu-compare.json"));

        Assert.Equal(cpu.Shapes.OrderBy(s => s.Hidden).TakeLast(2), compare.Shapes);
        Assert.Equal(cpu.Tokens, compare.Tokens);
        Assert.Equal(cpu.Seeds, compare.Seeds);
        Assert.Null(compare.Vocabulary);
        Assert.Equal(cpu.Vocabulary, compare.Vocabulary);
        Assert.Equal(cpu.Training, compare.Training);
        Assert.Equal(cpu.Datasets.Select(Path.GetFileName), compare.Datasets.Select(Path.GetFileName));
    }

    /// <summary>Checks that a record line is whole JSON with every field the report and the fits read, for a planned cell.</summary>
    private static void CheckRecord(string line, Dictionary<string, Dictionary<string, JsonElement>> plans)
    {
        using var document = JsonDocument.Parse(line);
        var record = document.RootElement;
        foreach (var field in RequiredFields)
        {
            Assert.True(record.TryGetProperty(field, out _), $"no {field} in {line}");
        }

        var id = record.GetProperty("cell_id").GetString()!;
        var cell = plans.Values.Single(p => p.ContainsKey(id))[id];
        Assert.Equal(cell.GetProperty("N").GetInt64(), record.GetProperty("N").GetInt64());
        Assert.Equal(cell.GetProperty("D").GetInt64(), record.GetProperty("D").GetInt64());
        Assert.Equal(cell.GetProperty("index").GetInt32(), record.GetProperty("cell_index").GetInt32());
        var loss = record.GetProperty("final_valid_loss").GetDouble();
        Assert.True(double.IsFinite(loss) && loss > 0, line);
        Assert.Equal(record.GetProperty("steps").GetInt32(), record.GetProperty("train_losses").GetArrayLength());
        Assert.StartsWith("cpu", record.GetProperty("device").GetString(), StringComparison.Ordinal);
        Assert.Equal("bfloat16", record.GetProperty("dtype").GetString());
    }

    private static int Occurrences(string text, string part) => text.Split(part).Length - 1;

    private static string CellId(string line)
    {
        using var document = JsonDocument.Parse(line);
        return document.RootElement.GetProperty("cell_id").GetString()!;
    }

    private static Dictionary<string, JsonElement> ReadPlan(string path) =>
        File.ReadAllLines(path)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .ToDictionary(c => c.GetProperty("cell_id").GetString()!);

    /// <summary>
    /// The script with the JIT build of the CLI beside the tests (its apphost), two cells at once, 100k-token datasets,
    /// the two smallest study shapes at the grammar's vocabulary and budgets of 10k-50k tokens: a few seconds a cell.
    /// </summary>
    private static (int Code, string Stdout, string Stderr) RunScript(string output, string data, int deadline, int margin, params string[] more) =>
        ChildProcess.Run(
            "bash",
            [
                "sweeps/gpu/run.sh", "--bin", Path.Combine(AppContext.BaseDirectory, "PcfgLab.Cli"), "--python", TorchPython.Executable!,
                "--device", "cpu", "--dtype", "bfloat16", "--jobs", "2", "--threads", "1",
                "--deadline", deadline.ToString(CultureInfo.InvariantCulture), "--margin", margin.ToString(CultureInfo.InvariantCulture),
                "--out", output, "--data", data, "--tokens", "100k", "--compare-tokens", "100k", "--floor-docs", "0",
                "--shapes", "2", "--vocabulary", "grammar", "--budgets", "10k,50k", "--compare-budgets", "10k,30k", .. more,
            ],
            timeout: TimeSpan.FromMinutes(5));
}
