using System.Text.Json;
using PcfgLab.Cli;
using PcfgLab.Sweeps;
using PcfgLab.Tests.Reporting;
using PcfgLab.Tests.Sweeps;
using PcfgLab.Tests.TestSupport;

using static PcfgLab.Tests.TestSupport.CliRunner;
namespace PcfgLab.Tests.Cli.Commands;

public sealed class SweepCommandTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-sweep-cli-");

    public void Dispose() => _root.Delete(recursive: true);

    private string P(params string[] parts) => Path.Combine([_root.FullName, .. parts]);

    private async Task<string> SmallPlan(string tokens = "100k,1M", string shapes = "2")
    {
        SweepTestData.WriteStudyManifests(P("data"), 2_000_000);
        var (code, _, stderr) = await Run("sweep", "plan", "--data-root", P("data"), "--shapes", shapes, "--tokens", tokens, "--out", P("plan.jsonl"));
        Assert.True(code == 0, stderr);
        return P("plan.jsonl");
    }

    [Fact]
    public async Task Plan_writes_the_study_grid_and_a_json_summary()
    {
        SweepTestData.WriteStudyManifests(P("data"), 110_000_000);

        var (code, stdout, stderr) = await Run("sweep", "plan", "--data-root", P("data"), "--out", P("plan.jsonl"), "--json");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(216, json.RootElement.GetProperty("cells").GetInt32());
        Assert.Equal(216, json.RootElement.GetProperty("pending").GetInt32());
        Assert.Equal(216, File.ReadAllLines(P("plan.jsonl")).Length);
        Assert.Equal(1_389_492_224, SweepPlanner.Read(P("plan.jsonl"))[^1].Parameters);
    }

    [Fact]
    public async Task Plan_of_a_missing_dataset_is_a_one_line_usage_error()
    {
        var (code, stdout, stderr) = await Run("sweep", "plan", "--dataset", P("absent"), "--out", P("plan.jsonl"));

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.StartsWith("error: dataset '", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(File.Exists(P("plan.jsonl")));
    }

    [Fact]
    public async Task Synthetic_train_is_resumable_and_plan_pending_only_counts_what_is_left()
    {
        var plan = await SmallPlan();
        var (code, _, stderr) = await Run("sweep", "synthetic-train", "--plan", plan, "--cell", "3", "--results", P("results.jsonl"));
        Assert.True(code == 0, stderr);
        (code, _, _) = await Run("sweep", "synthetic-train", "--plan", plan, "--cell", "3", "--results", P("results.jsonl"));
        Assert.Equal(0, code);
        Assert.Single(File.ReadAllLines(P("results.jsonl")));

        (code, var stdout, stderr) = await Run("sweep", "plan", "--data-root", P("data"), "--shapes", "2", "--tokens", "100k,1M",
            "--results", P("results.jsonl"), "--pending-only", "--out", P("pending.jsonl"), "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(24, json.RootElement.GetProperty("cells").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("done").GetInt32());
        Assert.Equal(23, File.ReadAllLines(P("pending.jsonl")).Length);

        (code, _, _) = await Run("sweep", "synthetic-train", "--plan", plan, "--results", P("results.jsonl"));
        Assert.Equal(0, code);
        var records = TrainingRecordStore.Read([P("results.jsonl")], new List<string>());
        Assert.Equal(24, records.Count);
        Assert.All(records, r => Assert.Equal("synthetic", r.Device));
    }

    [Fact]
    public async Task Train_runs_pending_cells_through_the_trainer_command()
    {
        var plan = await SmallPlan("100k", shapes: "1");
        var cli = Path.Combine(AppContext.BaseDirectory, "PcfgLab.Cli.dll");
        var trainer = $"dotnet '{cli}' sweep synthetic-train --plan {{plan}} --cell {{cell}} --results {{results}}";
        await Run("sweep", "synthetic-train", "--plan", plan, "--cell", "0", "--results", P("results.jsonl"));

        var (code, stdout, stderr) = await Run("sweep", "train", "--plan", plan, "--results", P("results.jsonl"), "--trainer", trainer, "--jobs", "2");

        Assert.True(code == 0, stderr);
        Assert.Contains("6 planned, 1 already done, 5 trained, 0 failed", stdout, StringComparison.Ordinal);
        Assert.Equal(6, TrainingRecordStore.Read([P("results.jsonl")], new List<string>()).Count);
        Assert.False(File.Exists(P("failures.jsonl")));
    }

    [Fact]
    public async Task Train_with_a_deadline_stops_cleanly_and_says_how_many_cells_are_left()
    {
        var plan = await SmallPlan("100k", shapes: "1");

        var (code, stdout, stderr) = await Run("sweep", "train", "--plan", plan, "--results", P("results.jsonl"), "--trainer", "sleep 30 {cell}", "--jobs", "2", "--deadline", "3");

        Assert.True(code == 0, stderr);
        Assert.Contains("6 planned, 0 already done, 0 trained, 0 failed, 2 stopped at the deadline, 4 not started; 6 left", stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(P("failures.jsonl")));
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("0")]
    public async Task Train_with_a_bad_deadline_is_a_one_line_usage_error(string deadline)
    {
        var plan = await SmallPlan("100k", shapes: "1");

        var (code, _, stderr) = await Run("sweep", "train", "--plan", plan, "--results", P("results.jsonl"), "--trainer", "sleep 30 {cell}", "--deadline", deadline);

        Assert.Equal(2, code);
        Assert.StartsWith("error: --deadline '" + deadline + "'", LastLine(stderr), StringComparison.Ordinal);
        Assert.False(File.Exists(P("results.jsonl")));
    }

    [Fact]
    public async Task Failed_cells_are_recorded_and_the_sweep_goes_on()
    {
        var plan = await SmallPlan("100k", shapes: "1");
        var trainer = "dotnet " + P("no-such-trainer.dll") + " --cell {cell}";

        var (code, stdout, _) = await Run("sweep", "train", "--plan", plan, "--results", P("results.jsonl"), "--trainer", trainer);

        Assert.Equal(1, code);
        Assert.Contains("6 planned, 0 already done, 0 trained, 6 failed", stdout, StringComparison.Ordinal);
        var failures = File.ReadAllLines(P("failures.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(6, failures.Length);
        Assert.Equal(Enumerable.Range(0, 6), failures.Select(f => f.GetProperty("cell_index").GetInt32()).Order());
        Assert.All(failures, f => Assert.NotEqual(0, f.GetProperty("exit_code").GetInt32()));
        Assert.All(failures, f => Assert.False(string.IsNullOrWhiteSpace(f.GetProperty("stderr_tail").GetString())));

        // The report lists every cell as missing, with its failure from failures.jsonl beside the results.
        (code, _, var stderr) = await Run("sweep", "report", "--plan", plan, "--results", P("results.jsonl"), "--out", P("report"));
        Assert.True(code == 0, stderr);
        var markdown = File.ReadAllText(P("report", "report.md"));
        Assert.Contains("6 of 6 planned cells have no record (6 of them failed", markdown, StringComparison.Ordinal);
        Assert.Contains("| trainer exited with code", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_from_the_command_line_renders_every_figure()
    {
        var plan = await SmallPlan("100k,300k,1M");
        await Run("sweep", "synthetic-train", "--plan", plan, "--results", P("results", "synthetic.jsonl"));

        // One report (each costs the joint fit of every run): --json writes the folder too; the human summary line is
        // checked by the golden sweep-report.stdout.txt.
        var (code, stdout, stderr) = await Run("sweep", "report", "--plan", plan, "--results", P("results"), "--out", P("report"), "--fit-grid", "coarse", "--json");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(36, json.RootElement.GetProperty("records").GetInt32());
        Assert.Equal(36, json.RootElement.GetProperty("syntheticRecords").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("missingCells").GetInt32());
        var pngs = Directory.GetFiles(P("report", "figures"), "*.png");
        Assert.NotEmpty(pngs);
        foreach (var png in pngs)
        {
            FigureChecks.AssertPng(png);
            FigureChecks.AssertSvg(Path.ChangeExtension(png, ".svg"));
        }

        Assert.Contains("SYNTHETIC RESULTS", File.ReadAllText(P("report", "report.md")), StringComparison.Ordinal);
        Assert.Equal(6, json.RootElement.GetProperty("datasets").GetArrayLength());
        // Without a bootstrap no parameter is identified (IdentificationRules), so nothing is regressed on H and every
        // claim of the verdict reads "not identified at this scale".
        Assert.Equal(0, json.RootElement.GetProperty("trends").GetArrayLength());
        Assert.Equal(3, json.RootElement.GetProperty("verdicts").GetArrayLength());
        Assert.All(json.RootElement.GetProperty("verdicts").EnumerateArray(), v => Assert.Equal("not identified at this scale", v.GetProperty("verdict").GetString()));
        Assert.True(json.RootElement.GetProperty("datasets")[0].GetProperty("e").GetDouble() > 0);
    }

    [PythonFact]
    public async Task Python_adapter_dry_run_checks_a_generated_dataset_without_torch()
    {
        var dataset = P("data", "gzipscale-0.11");
        var (code, _, stderr) = await Run("generate", "--preset", "gzipscale-0.11", "--tokens", "150k", "--threads", "1", "--out", dataset);
        Assert.True(code == 0, stderr);
        (code, _, stderr) = await Run("sweep", "plan", "--dataset", dataset, "--vocabulary", "grammar", "--shapes", "2", "--tokens", "100k", "--out", P("plan.jsonl"));
        Assert.True(code == 0, stderr);

        var (exit, stdout, error) = RunPython("--plan", P("plan.jsonl"), "--cell", "1", "--dry-run");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(stdout.Trim());
        Assert.Equal(1, json.RootElement.GetProperty("cell").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("shards").GetInt32());
        Assert.Equal(SweepPlanner.Read(P("plan.jsonl"))[1].Parameters, json.RootElement.GetProperty("N").GetInt64());

        Directory.Delete(dataset, recursive: true);
        (exit, _, error) = RunPython("--plan", P("plan.jsonl"), "--cell", "0", "--dry-run");
        Assert.Equal(2, exit);
        Assert.Contains("is not at", error, StringComparison.Ordinal);

        (exit, _, error) = RunPython("--plan", P("plan.jsonl"), "--cell", "9", "--dry-run");
        Assert.Equal(2, exit);
        Assert.Contains("cell 9 is not in the plan", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_and_train_warn_of_torn_lines_and_cells_recorded_twice_naming_file_and_line()
    {
        var plan = await SmallPlan("100k", shapes: "1");
        var (code, _, stderr) = await Run("sweep", "synthetic-train", "--plan", plan, "--results", P("results.jsonl"));
        Assert.True(code == 0, stderr);
        var lines = File.ReadAllLines(P("results.jsonl"));
        File.WriteAllText(P("results.jsonl"), string.Join('\n', lines) + "\n" + lines[0] + "\n" + lines[1][..20]); // a second run of cell 0, then a torn line
        var cell = SweepPlanner.Read(plan)[0].CellId;

        (code, _, stderr) = await Run("sweep", "report", "--plan", plan, "--results", P("results.jsonl"), "--out", P("report"), "--fit-grid", "coarse");
        Assert.True(code == 0, stderr);
        Assert.Contains($"cell {cell} has 2 records ({P("results.jsonl")}:1, {P("results.jsonl")}:{lines.Length + 1}): the last one is used", stderr, StringComparison.Ordinal);
        Assert.Contains($"{P("results.jsonl")}:{lines.Length + 2}: skipped, not a run record (a torn or damaged line: ", stderr, StringComparison.Ordinal);

        (code, _, stderr) = await Run("sweep", "train", "--plan", plan, "--results", P("results.jsonl"), "--trainer", "false {cell}");
        Assert.True(code == 0, stderr);
        Assert.Contains($"{P("results.jsonl")}:{lines.Length + 2}: skipped, not a run record (a torn or damaged line: ", stderr, StringComparison.Ordinal);
    }

    [PythonFact]
    public async Task Generate_force_over_an_npy_export_leaves_the_adapter_no_old_tokens_to_train_on()
    {
        // Before: the old tokens.npy stayed beside the new dataset ("exports": []) and the adapter trained on it.
        var dataset = P("data", "d");
        var (code, _, stderr) = await Run("generate", "--preset", "gzipscale-0.11", "--tokens", "20k", "--threads", "1", "--npy", "--out", dataset);
        Assert.True(code == 0, stderr);
        var oldTokens = File.ReadAllBytes(Path.Combine(dataset, "tokens.npy"));
        (code, _, stderr) = await Run("generate", "--preset", "gzipscale-0.22", "--tokens", "20k", "--threads", "1", "--force", "--out", dataset);
        Assert.True(code == 0, stderr);
        Assert.False(File.Exists(Path.Combine(dataset, "tokens.npy")));
        (code, _, stderr) = await Run("sweep", "plan", "--dataset", dataset, "--vocabulary", "grammar", "--shapes", "1", "--tokens", "10k", "--out", P("plan.jsonl"));
        Assert.True(code == 0, stderr);

        // An export left by an older pcfglab (or copied in): the adapter refuses it in one line.
        File.WriteAllBytes(Path.Combine(dataset, "tokens.npy"), oldTokens);
        var (exit, _, error) = RunPython("--plan", P("plan.jsonl"), "--cell", "0", "--dry-run");

        Assert.Equal(2, exit);
        Assert.Equal($"error: {Path.Combine(dataset, "tokens.npy")} is not recorded in {dataset}/dataset.json (no npy export), so it may hold another dataset's tokens: "
            + $"re-export it with `pcfglab export {dataset} --format npy` (or delete it to read the Parquet shards)", error.Trim());
    }

    [TorchFact]
    [Trait("Speed", "slow")]
    public void Python_adapter_unit_tests_pass_with_real_torch()
    {
        // Cell striding, the validation split, plan checks, record appends, the built-in Llama (parameter counts,
        // causality, schedules, bf16) and the npy reader, under the interpreter that has torch and numpy.
        var (exit, stdout, error) = TorchPython.Run(["-B", "-m", "unittest", "discover", "-s", Path.Combine(SharedFiles.RepositoryRoot, "src", "trainers", "torch"), "-p", "test_*.py"]);

        Assert.True(exit == 0, stdout + error);
        Assert.Contains("OK", error, StringComparison.Ordinal);
        var ran = int.Parse(System.Text.RegularExpressions.Regex.Match(error, @"Ran (\d+) tests").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(ran >= 25, $"only {ran} Python tests ran: a test module failed to load?\n{error}");
    }

    [TorchFact]
    [Trait("Speed", "slow")]
    public async Task A_real_cell_trains_end_to_end_through_sweep_train_on_data_holding_the_largest_terminal()
    {
        // gzipscale-0.22 is (10,150,5,3): the fast profile's ids run 1..150 and these documents hold 150, so a model
        // with the spec's 150 ids (the old planner's vocabulary) would index past its embedding.
        var data = P("data", "gzipscale-0.22");
        var (code, _, stderr) = await Run("generate", "--preset", "gzipscale-0.22", "--seed", "1", "--tokens", "40k", "--threads", "1", "--npy", "--out", data);
        Assert.True(code == 0, stderr);
        Assert.Equal(150, PcfgLab.Storage.DatasetManifest.Load(data).MaxTokenId);
        File.WriteAllText(P("tiny.json"), """
            { "datasets": ["data/gzipscale-0.22"], "shapes": [[16, 32, 1, 1]], "tokens": ["24k"], "vocabulary": "grammar",
              "training": { "profile": "small", "batchSize": 4, "learningRate": 1e-2, "warmupSteps": 2 } }
            """);
        (code, _, stderr) = await Run("sweep", "plan", "--spec", P("tiny.json"), "--out", P("plan.jsonl"));
        Assert.True(code == 0, stderr);
        var cell = Assert.Single(SweepPlanner.Read(P("plan.jsonl")));
        Assert.Equal(151, cell.Vocabulary);

        var trainer = $"'{TorchPython.Executable}' '{Path.Combine(SharedFiles.RepositoryRoot, "src", "trainers", "torch", "train_cell.py")}' "
            + "--plan {plan} --cell {cell} --results {results} --device cpu --dtype bfloat16 --threads 1 --max-valid-docs 16";
        (code, _, stderr) = await Run("sweep", "train", "--plan", P("plan.jsonl"), "--results", P("results.jsonl"), "--trainer", trainer);

        Assert.True(code == 0, stderr);
        Assert.False(File.Exists(P("failures.jsonl")), stderr);
        using var record = JsonDocument.Parse(Assert.Single(File.ReadAllLines(P("results.jsonl"))));
        var root = record.RootElement;
        Assert.Equal(cell.CellId, root.GetProperty("cell_id").GetString());
        Assert.Equal(cell.Parameters, root.GetProperty("N").GetInt64());
        Assert.Equal("npy", root.GetProperty("data_source").GetString());
        Assert.Equal("bfloat16", root.GetProperty("dtype").GetString());
        Assert.Equal("small", root.GetProperty("profile").GetString());
        Assert.Equal(0.0, root.GetProperty("weight_decay").GetDouble());
        var losses = root.GetProperty("train_losses").EnumerateArray().Select(l => l.GetDouble()).ToArray();
        Assert.Equal(24, losses.Length); // 24k tokens in documents of 256, 4 per step: ceil(94 / 4)
        Assert.InRange(losses[0], Math.Log(151) - 0.3, Math.Log(151) + 0.3); // near uniform at initialisation
        Assert.True(losses[^4..].Average() < losses[0] - 1.0, $"the loss did not fall: {losses[0]} -> {losses[^1]}");
        var valid = root.GetProperty("final_valid_loss").GetDouble();
        Assert.InRange(valid, 0.5, Math.Log(151) - 1.0);
        Assert.True(root.GetProperty("cpu_seconds").GetDouble() > 0);
        var trainCpu = root.GetProperty("train_cpu_seconds").GetDouble();
        Assert.InRange(trainCpu, double.Epsilon, root.GetProperty("cpu_seconds").GetDouble());
        // The sweep's own reader takes the record.
        Assert.Single(TrainingRecordStore.Read([P("results.jsonl")], new List<string>()));
    }

    private static (int Code, string Stdout, string Stderr) RunPython(params string[] args) =>
        RunPythonArgs([Path.Combine(SharedFiles.RepositoryRoot, "src", "trainers", "torch", "train_cell.py"), .. args]);

    private static (int Code, string Stdout, string Stderr) RunPythonArgs(params string[] args) =>
        TorchPython.RunProgram(ReferencePython.Executable!, args, Directory.GetCurrentDirectory());

    [Fact]
    public async Task Slurm_refuses_a_line_break_in_the_plan_path_before_anything_is_written()
    {
        var plan = await SmallPlan();
        var hostile = plan + "\ntouch " + P("PWNED") + "\n.jsonl";

        var (code, stdout, stderr) = await Run("sweep", "slurm", "--plan", hostile, "--results", P("r.jsonl"), "--out", P("sweep.sbatch"));

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.StartsWith("error: --plan holds a control character", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(File.Exists(P("sweep.sbatch")));
    }

    [Theory]
    [InlineData("--partition", "gpu\nid")]
    [InlineData("--account", "a\rb")]
    [InlineData("--time", "1:00:00\ntouch x")]
    public async Task Slurm_refuses_a_line_break_in_an_sbatch_option(string option, string value)
    {
        var plan = await SmallPlan();

        var (code, _, stderr) = await Run("sweep", "slurm", "--plan", plan, "--results", P("r.jsonl"), "--out", P("sweep.sbatch"), option, value);

        Assert.Equal(2, code);
        Assert.StartsWith("error: " + option + " '", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(File.Exists(P("sweep.sbatch")));
    }

    [Fact]
    public async Task Read_only_commands_read_a_plan_and_results_through_symbolic_links_and_train_refuses_to_append_through_one()
    {
        var plan = await SmallPlan("100k", shapes: "1");
        await RunOk("sweep", "synthetic-train", "--plan", plan, "--cell", "0", "--results", P("results.jsonl"));
        File.CreateSymbolicLink(P("plan-link.jsonl"), plan);
        File.CreateSymbolicLink(P("results-link.jsonl"), P("results.jsonl"));

        // Before: each said "'...-link.jsonl' is a symbolic link: refusing to append to it".
        var report = await RunOk("sweep", "report", "--plan", P("plan-link.jsonl"), "--results", P("results-link.jsonl"), "--out", P("report"), "--fit-grid", "coarse");
        Assert.Contains("records: 1 (1 synthetic)", report, StringComparison.Ordinal);
        Assert.Contains("missing cells: 5", report, StringComparison.Ordinal);
        await RunOk("sweep", "plan", "--data-root", P("data"), "--shapes", "1", "--tokens", "100k", "--results", P("results-link.jsonl"), "--out", P("plan2.jsonl"));
        var slurm = await RunOk("sweep", "slurm", "--plan", P("plan-link.jsonl"), "--results", P("results-link.jsonl"), "--out", P("sweep.sbatch"));
        Assert.Contains("5 task(s)", slurm, StringComparison.Ordinal);

        var (code, stdout, stderr) = await Run("sweep", "train", "--plan", P("plan-link.jsonl"), "--results", P("results-link.jsonl"), "--trainer", "false {cell}");
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Equal($"error: '{P("results-link.jsonl")}' is a symbolic link: refusing to append to it; give the path of a regular file (or of one that does not exist yet).", stderr.Trim());
        Assert.False(File.Exists(P("failures.jsonl")));
    }

    [Fact]
    public async Task A_record_with_a_null_cell_id_or_dataset_is_skipped_naming_its_file_and_line()
    {
        var plan = await SmallPlan("100k", shapes: "1");
        await RunOk("sweep", "synthetic-train", "--plan", plan, "--results", P("results.jsonl"));
        var lines = File.ReadAllLines(P("results.jsonl"));
        lines[1] = lines[1].Replace("\"cell_id\":\"", "\"cell_id\":null,\"x\":\"", StringComparison.Ordinal);
        lines[2] = lines[2].Replace("\"dataset\":\"", "\"dataset\":null,\"y\":\"", StringComparison.Ordinal);
        File.WriteAllLines(P("results.jsonl"), lines);

        var (code, stdout, stderr) = await Run("sweep", "report", "--plan", plan, "--results", P("results.jsonl"), "--out", P("report"), "--fit-grid", "coarse");
        Assert.True(code == 0, stderr);
        Assert.Contains("records: 4 (4 synthetic)", stdout, StringComparison.Ordinal);
        var markdown = File.ReadAllText(P("report", "report.md"));
        Assert.Contains(P("results.jsonl") + ":2: skipped, the record has no cell_id (null or missing)", markdown + stderr, StringComparison.Ordinal);
        Assert.Contains(P("results.jsonl") + ":3: skipped, the record has no dataset (null or missing)", markdown + stderr, StringComparison.Ordinal);

        // sweep train counts the two cells as not done and trains them again, without stopping on the nulls.
        var cli = Path.Combine(AppContext.BaseDirectory, "PcfgLab.Cli.dll");
        (code, stdout, stderr) = await Run("sweep", "train", "--plan", plan, "--results", P("results.jsonl"), "--trainer", $"dotnet '{cli}' sweep synthetic-train --plan {{plan}} --cell {{cell}} --results {{results}}");
        Assert.True(code == 0, stderr);
        Assert.Contains("6 planned, 4 already done, 2 trained, 0 failed", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slurm_and_train_refuse_a_tampered_plan_before_any_compute_naming_file_line_and_field()
    {
        var plan = await SmallPlan("100k", shapes: "1");
        var lines = File.ReadAllLines(plan);
        lines[2] = lines[2].Replace("\"D\":100000,", "\"D\":-5,", StringComparison.Ordinal);
        File.WriteAllLines(plan, lines);

        var (code, _, stderr) = await Run("sweep", "slurm", "--plan", plan, "--results", P("r.jsonl"), "--out", P("sweep.sbatch"));
        Assert.Equal(2, code);
        Assert.Equal($"error: {plan}:3: D must be at least 1, got -5: rewrite the plan with `pcfglab sweep plan`.", stderr.Trim());
        Assert.False(File.Exists(P("sweep.sbatch")));

        // A plan whose dataset folder is gone: refused before the first cell starts, not by the adapter on a node.
        await SmallPlan("100k", shapes: "1");
        Directory.Delete(P("data", "gzipscale-0.11"), recursive: true);
        (code, var stdout, stderr) = await Run("sweep", "train", "--plan", plan, "--results", P("r.jsonl"), "--trainer", "touch " + P("ran") + " {cell}");
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.StartsWith($"error: {plan}:1: dataset_path 'data/gzipscale-0.11' (", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(File.Exists(P("ran")));
    }

    [SystemPathFact("coreutils", SpecialFiles.MkFifo)]
    public async Task Plan_refuses_to_replace_a_pipe()
    {
        var pipe = P("pipe.jsonl");
        Assert.True(SpecialFiles.TryMakeFifo(pipe));
        SweepTestData.WriteStudyManifests(P("data"), 2_000_000);
        var (code, _, stderr) = await Run("sweep", "plan", "--data-root", P("data"), "--shapes", "1", "--tokens", "100k", "--out", pipe);
        Assert.Equal(PcfgLabApp.UsageError, code);
        Assert.Contains("not a regular file: refusing to replace it", stderr, StringComparison.Ordinal);
        Assert.True(SpecialFiles.IsFifo(pipe));
    }

    [Fact]
    public async Task A_second_report_into_a_busy_folder_fails_at_once()
    {
        var plan = await SmallPlan("100k", "1");
        using var first = PcfgLab.Storage.OutputFolderLock.Acquire(P("report"), "pcfglab sweep report, process 99");
        var (code, _, stderr) = await Run("sweep", "report", "--plan", plan, "--results", P("results.jsonl"), "--out", P("report"));
        Assert.Equal(PcfgLabApp.UsageError, code);
        Assert.Contains("is in use by another run (pcfglab sweep report, process 99", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(P("report", "report.md")));
    }

    private string DesignedSpec()
    {
        SweepTestData.WriteStudyManifests(P("data"), 2_000_000);
        File.WriteAllText(P("designed.json"), """
            { "dataRoot": "data", "vocabulary": "grammar", "training": { "profile": "small" },
              "groups": [{ "presets": ["gzipscale-0.22"], "shapes": [[4, 8, 1, 1], [8, 16, 1, 1], [16, 32, 2, 1]], "tokens": ["100k", "200k", "400k"],
                           "batch": { "min": 2, "max": 8, "minSteps": 200 }, "lrScan": { "factors": [0.5, 1, 2], "tokens": ["200k"] } }] }
            """);
        return P("designed.json");
    }

    [Fact]
    public async Task Plan_pilot_writes_the_corner_and_scan_cells_and_estimates_core_seconds_saying_from_what()
    {
        var spec = DesignedSpec();

        var (code, stdout, stderr) = await Run("sweep", "plan", "--spec", spec, "--pilot", "--out", P("pilot.jsonl"), "--json");
        var (code2, table, stderr2) = await Run("sweep", "plan", "--spec", spec, "--out", P("plan.jsonl"));

        Assert.True(code == 0, stderr);
        Assert.True(code2 == 0, stderr2);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(10, json.RootElement.GetProperty("cells").GetInt32());
        Assert.Equal(10, SweepPlanner.Read(P("pilot.jsonl")).Count);
        Assert.Equal(Math.Round(PlanCostEstimate.Estimate(SweepPlanner.Read(P("pilot.jsonl")), []).CoreSeconds), json.RootElement.GetProperty("coreSeconds").GetDouble());
        Assert.True(json.RootElement.GetProperty("coreSeconds").GetDouble() > 10 * PlanCostEstimate.OverheadSecondsPerCell);
        Assert.StartsWith("bench/torch/README.md", json.RootElement.GetProperty("costSource").GetString(), StringComparison.Ordinal);
        Assert.Equal(9 + 4, SweepPlanner.Read(P("plan.jsonl")).Count);
        Assert.Contains("core-seconds for 13 cells", table, StringComparison.Ordinal);
        Assert.Contains("gzipscale-0.22: about", table, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--dataset", "x")]
    [InlineData("--budgets", "1M")]
    public async Task Plan_of_a_spec_with_groups_refuses_grid_options_in_one_line(string option, string value)
    {
        var spec = DesignedSpec();

        var (code, stdout, stderr) = await Run("sweep", "plan", "--spec", spec, option, value, "--out", P("plan.jsonl"));

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.StartsWith("error: the sweep file has \"groups\"", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }
}
