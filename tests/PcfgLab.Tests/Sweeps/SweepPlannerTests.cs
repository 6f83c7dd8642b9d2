using PcfgLab.Sweeps;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Sweeps;

public sealed class SweepPlannerTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-planner-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void Study_grid_has_six_datasets_six_shapes_and_six_budgets()
    {
        SweepTestData.WriteStudyManifests(Path.Combine(_root.FullName, "data"), 110_000_000);
        var cells = SweepPlanner.Plan(SweepSpec.Study(Path.Combine(_root.FullName, "data")), _root.FullName);

        Assert.Equal(6 * 6 * 6, cells.Count);
        Assert.Equal(Enumerable.Range(0, cells.Count), cells.Select(c => c.Index));
        Assert.Equal(cells.Count, cells.Select(c => c.CellId).Distinct().Count());
        var first = cells[0];
        Assert.Equal("gzipscale-0.11", first.Dataset);
        Assert.Equal("data/gzipscale-0.11", first.DatasetPath);
        Assert.Equal(0.1133, first.GzipMedian);
        Assert.Equal(100_000, first.Tokens);
        Assert.Equal(4_178_368, first.Parameters);
        Assert.Equal(6.0 * 4_178_368 * 100_000, first.Compute);
        Assert.Equal(32001, first.Vocabulary);
        Assert.Equal("gzipscale-0.11__h64-i128-l2-a1__D100000__s0", first.CellId);
        Assert.Equal(new long[] { 100_000, 1_000_000, 5_000_000, 20_000_000, 50_000_000, 100_000_000 }, cells.Take(6).Select(c => c.Tokens));
        var last = cells[^1];
        Assert.Equal(1_389_492_224, last.Parameters);
        Assert.Equal(100_000_000, last.Tokens);
        Assert.Equal(32, last.Training.BatchSize);
        Assert.Equal(5e-5, last.Training.LearningRate);
        Assert.Equal("cosine", last.Training.Schedule);
        Assert.Equal(0, last.Training.WarmupSteps);
        Assert.Equal(1, last.Training.Epochs);
        Assert.Equal(256, last.Training.Context);
    }

    [Fact]
    public void Plan_files_are_deterministic_and_read_back_equal()
    {
        var data = Path.Combine(_root.FullName, "data");
        SweepTestData.WriteStudyManifests(data, 2_000_000);
        var spec = SweepSpec.Study(data) with { Tokens = [100_000, 1_000_000], Shapes = LlamaShape.Study.Take(2).ToArray() };
        var a = Path.Combine(_root.FullName, "a.jsonl");
        var b = Path.Combine(_root.FullName, "b.jsonl");
        SweepPlanner.Write(a, SweepPlanner.Plan(spec, _root.FullName));
        SweepPlanner.Write(b, SweepPlanner.Plan(spec, _root.FullName));

        var bytesA = File.ReadAllBytes(a);
        var bytesB = File.ReadAllBytes(b);
        Assert.Equal(bytesA.Length, bytesB.Length);
        Assert.Equal(bytesA, bytesB);
        var cells = SweepPlanner.Read(a);
        Assert.Equal(24, cells.Count);
        Assert.Equal(SweepPlanner.Plan(spec, _root.FullName).Select(c => c.CellId), cells.Select(c => c.CellId));
        Assert.Equal(new LlamaShape(128, 256, 4, 2), cells[^1].Shape);
    }

    [Fact]
    public void Pending_skips_cells_that_have_a_record()
    {
        var data = Path.Combine(_root.FullName, "data");
        SweepTestData.WriteStudyManifests(data, 2_000_000);
        var spec = SweepSpec.Study(data) with { Tokens = [100_000, 1_000_000], Shapes = LlamaShape.Study.Take(1).ToArray() };
        var plan = SweepPlanner.Plan(spec, _root.FullName);
        var results = Path.Combine(_root.FullName, "results.jsonl");
        var trainer = new SyntheticTrainer();
        foreach (var cell in plan.Where(c => c.Index % 3 == 0))
        {
            TrainingRecordStore.Append(results, trainer.Train(cell, DatasetInfo.Read(Path.Combine(data, cell.Dataset))));
        }

        var pending = SweepPlanner.Pending(plan, TrainingRecordStore.CompletedCells([results]));

        Assert.Equal(plan.Where(c => c.Index % 3 != 0).Select(c => c.CellId), pending.Select(c => c.CellId));
        Assert.Equal(Enumerable.Range(0, pending.Count), SweepPlanner.Renumber(pending).Select(c => c.Index));
    }

    [Fact]
    public void Grammar_vocabulary_of_manifests_without_maxTokenId_is_the_fast_profiles_terminal_count_plus_one()
    {
        var data = Path.Combine(_root.FullName, "data");
        SweepTestData.WriteStudyManifests(data, 2_000_000);
        var spec = SweepSpec.Study(data) with { Vocabulary = null, Tokens = [100_000], Shapes = LlamaShape.Study.Take(1).ToArray() };
        var cells = SweepPlanner.Plan(spec, _root.FullName);

        // Ids 1..T plus the separator 0: T + 1 (the planner once took T, one too small for data holding id T).
        Assert.Equal(new[] { 21, 151, 301, 401, 501, 2001 }, cells.Select(c => c.Vocabulary));
        Assert.Equal(new LlamaShape(64, 128, 2, 1).ParameterCount(21), cells[0].Parameters);
    }

    [Fact]
    public void A_budget_larger_than_the_dataset_is_refused()
    {
        var data = Path.Combine(_root.FullName, "data");
        SweepTestData.WriteStudyManifests(data, 1_000_000);
        var spec = SweepSpec.Study(data) with { Tokens = [1_000_000] };

        var ex = Assert.Throws<UserInputException>(() => SweepPlanner.Plan(spec, _root.FullName));
        Assert.Contains("fewer than the budget 1000000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_dataset_is_named()
    {
        var spec = SweepSpec.Study(Path.Combine(_root.FullName, "nowhere"));

        var ex = Assert.Throws<UserInputException>(() => SweepPlanner.Plan(spec, _root.FullName));
        Assert.Contains("gzipscale-0.11", ex.Message, StringComparison.Ordinal);
        Assert.Contains("pcfglab generate", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("D", "-5", "D must be at least 1, got -5")]
    [InlineData("N", "0", "N is 0 but shape h64-i128-l2-a1 with vocabulary 32001 has 4178368 parameters")]
    [InlineData("shape.hidden", "1000000000", "shape h1000000000-i128-l2-a1 with vocabulary 32001 has 8000064775000000000 parameters, more than 10000000000000")]
    [InlineData("shape.heads", "3", "shape.heads 3 do not divide shape.hidden 64")]
    [InlineData("vocabulary", "1", "vocabulary must be at least 2, got 1")]
    [InlineData("C", "1", "C is 1 but 6 N D is 2507020800000")]
    [InlineData("cell_id", "null", "cell_id is missing (or null)")]
    [InlineData("cell_id", "\"x\\nINFO forged log line\"", "cell_id holds a control character (a line break, tab or the like)")]
    [InlineData("dataset", "null", "dataset is missing (or null)")]
    [InlineData("dataset_path", "\"\"", "dataset_path is empty")]
    [InlineData("training.batch_size", "0", "training settings: context must be at least 2, batch size and epochs at least 1, warmup steps not negative")]
    public void A_tampered_plan_line_is_refused_naming_the_file_line_and_field(string field, string json, string expected)
    {
        var plan = WriteSmallPlan();
        Tamper(plan, 2, field, json);

        var ex = Assert.Throws<InvalidDataException>(() => SweepPlanner.Read(plan));

        Assert.Equal($"{plan}:2: {expected}: rewrite the plan with `pcfglab sweep plan`.", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void A_dataset_named_with_a_line_break_is_refused_when_planning()
    {
        var folder = SweepTestData.WriteManifest(_root.FullName, "d", 0.3, 2_000_000, 20);
        var manifest = Path.Combine(folder, "dataset.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"tool\": \"pcfglab\",", "\"tool\": \"pcfglab\", \"name\": \"d\\nINFO forged\",", StringComparison.Ordinal));

        var ex = Assert.Throws<UserInputException>(() => SweepPlanner.Plan(SweepSpec.Study(_root.FullName) with { Datasets = [folder], Shapes = [LlamaShape.Study[0]], Tokens = [100_000] }, _root.FullName));

        Assert.Equal($"dataset '{folder}' has a name with a control character (a line break or the like) in its manifest: rename it there.", ex.Message);
    }

    [Fact]
    public void A_plan_that_names_one_cell_twice_is_refused()
    {
        var plan = WriteSmallPlan();
        Tamper(plan, 3, "cell_id", "\"gzipscale-0.11__h64-i128-l2-a1__D100000__s0\"");

        var ex = Assert.Throws<InvalidDataException>(() => SweepPlanner.Read(plan));

        Assert.StartsWith($"{plan}:3: cell_id 'gzipscale-0.11__h64-i128-l2-a1__D100000__s0' repeats line 1's", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plan_whose_dataset_is_missing_is_refused_before_training()
    {
        var plan = WriteSmallPlan();
        SweepPlanner.CheckDatasets(SweepPlanner.Read(plan), plan);
        Directory.Delete(Path.Combine(_root.FullName, "data", "gzipscale-0.22"), recursive: true);

        var ex = Assert.Throws<UserInputException>(() => SweepPlanner.CheckDatasets(SweepPlanner.Read(plan), plan));

        Assert.Equal($"{plan}:2: dataset_path 'data/gzipscale-0.22' ({Path.Combine(_root.FullName, "data", "gzipscale-0.22")}) does not exist: generate the dataset there with `pcfglab generate` or fix the plan.", ex.Message);
    }

    [Fact]
    public void A_plan_read_through_a_symbolic_link_is_read()
    {
        var plan = WriteSmallPlan();
        var link = Path.Combine(_root.FullName, "link.jsonl");
        File.CreateSymbolicLink(link, plan);

        Assert.Equal(SweepPlanner.Read(plan), SweepPlanner.Read(link));
    }

    /// <summary>Six cells (one per study dataset: the smallest shape, 100k tokens, seed 0) in plan.jsonl.</summary>
    private string WriteSmallPlan()
    {
        var data = Path.Combine(_root.FullName, "data");
        SweepTestData.WriteStudyManifests(data, 2_000_000);
        var plan = Path.Combine(_root.FullName, "plan.jsonl");
        SweepPlanner.Write(plan, SweepPlanner.Plan(SweepSpec.Study(data) with { Shapes = [LlamaShape.Study[0]], Tokens = [100_000] }, _root.FullName));
        return plan;
    }

    /// <summary>Sets <paramref name="field"/> (a dotted path) of line <paramref name="line"/> to the JSON <paramref name="json"/>.</summary>
    private static void Tamper(string plan, int line, string field, string json)
    {
        var lines = File.ReadAllLines(plan);
        var node = System.Text.Json.Nodes.JsonNode.Parse(lines[line - 1])!.AsObject();
        var parts = field.Split('.');
        var parent = node;
        foreach (var part in parts[..^1])
        {
            parent = parent[part]!.AsObject();
        }

        parent[parts[^1]] = System.Text.Json.Nodes.JsonNode.Parse(json);
        lines[line - 1] = node.ToJsonString();
        File.WriteAllLines(plan, lines);
    }

    [Fact]
    public void Cell_out_of_range_says_which_cells_exist()
    {
        var ex = Assert.Throws<UserInputException>(() => SweepPlanner.Cell([], 3, "plan.jsonl"));
        Assert.Contains("cell 3", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>SHA-256 of sweeps/cpu.json's plan (tool_version blanked) on the test manifests, as the planner wrote it before designed specs existed: results/cpu-grid.jsonl's cell ids depend on it.</summary>
    private const string CpuPlanSha256 = "c78da50554739adc125f58adeeff2ce48a029ed17b45c4d2c1521748c7b2a82c";

    [Fact]
    public void The_committed_cpu_grid_plans_byte_identical_to_before_designed_specs()
    {
        var data = Path.Combine(_root.FullName, "out");
        SweepTestData.WriteStudyManifests(data, 4_000_000);
        var sweeps = Directory.CreateDirectory(Path.Combine(_root.FullName, "sweeps")).FullName;
        File.Copy(Path.Combine(SharedFiles.RepositoryRoot, "sweeps", "cpu.json"), Path.Combine(sweeps, "cpu.json"));
        var planPath = Path.Combine(_root.FullName, "plan.jsonl");

        SweepPlanner.Write(planPath, SweepPlanner.Plan(SweepSpec.Load(Path.Combine(sweeps, "cpu.json")), _root.FullName));

        var text = System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(planPath), "\"tool_version\":\"[^\"]*\"", "\"tool_version\":\"X\"");
        Assert.Equal(96, text.Count(c => c == '\n'));
        Assert.Equal(CpuPlanSha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))));
    }

    private SweepSpec DesignedSpec(string data) => new()
    {
        Vocabulary = null,
        Training = TrainingSettings.Small,
        Groups =
        [
            new SweepGroup
            {
                Datasets = [Path.Combine(data, "gzipscale-0.22"), Path.Combine(data, "gzipscale-0.35")],
                Shapes = [new(4, 8, 1, 1), new(8, 16, 1, 1), new(16, 32, 2, 1)],
                Tokens = [100_000, 200_000, 400_000],
                Seeds = [0, 1],
                Batch = new BatchRule(2, 8, 200),
                LearningRateScan = new LearningRateScan { Factors = [0.5, 1, 2], Tokens = [200_000] },
            },
            new SweepGroup
            {
                Datasets = [Path.Combine(data, "gzipscale-0.61")],
                Shapes = [new(16, 32, 2, 1), new(32, 64, 2, 2)],
                Tokens = [500_000, 1_000_000],
            },
        ],
    };

    [Fact]
    public void A_designed_spec_plans_each_group_with_its_own_grid_batch_rule_and_scan_cells()
    {
        var data = Path.Combine(_root.FullName, "data");
        SweepTestData.WriteStudyManifests(data, 2_000_000);

        var cells = SweepPlanner.Plan(DesignedSpec(data), _root.FullName);

        // 2 datasets x (3 shapes x 3 budgets x 2 seeds + 2 shapes x 2 off-rule rates) + 1 x 2 x 2 x 1.
        Assert.Equal((2 * (18 + 4)) + 4, cells.Count);
        Assert.Equal(cells.Count, cells.Select(c => c.CellId).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, cells.Count), cells.Select(c => c.Index));
        var g22 = cells.Where(c => c.Dataset == "gzipscale-0.22").ToArray();
        Assert.Equal("gzipscale-0.22__h4-i8-l1-a1__D100000__s0", g22[0].CellId);
        Assert.Equal(2, g22[0].Training.BatchSize);
        Assert.Equal(3, g22.First(c => c.Tokens == 200_000).Training.BatchSize);
        Assert.Equal(7, g22.First(c => c.Tokens == 400_000).Training.BatchSize);
        Assert.Equal(0.08, g22[0].Training.LearningRate, 12);
        var scan = g22.Where(c => PlanCell.IsLearningRateScan(c.CellId)).ToArray();
        Assert.Equal(
            new[]
            {
                "gzipscale-0.22__h4-i8-l1-a1__D200000__s0__lr0.04", "gzipscale-0.22__h4-i8-l1-a1__D200000__s0__lr0.16",
                "gzipscale-0.22__h16-i32-l2-a1__D200000__s0__lr0.01", "gzipscale-0.22__h16-i32-l2-a1__D200000__s0__lr0.04",
            },
            scan.Select(c => c.CellId));
        Assert.Equal(new[] { 0.04, 0.16, 0.01, 0.04 }, scan.Select(c => Math.Round(c.Training.LearningRate, 12)));
        Assert.All(scan, c => Assert.Equal(3, c.Training.BatchSize));
        var g61 = cells.Where(c => c.Dataset == "gzipscale-0.61").ToArray();
        Assert.Equal(4, g61.Length);
        Assert.All(g61, c => Assert.Equal(8, c.Training.BatchSize));
        Assert.DoesNotContain(g61, c => PlanCell.IsLearningRateScan(c.CellId));
    }

    [Fact]
    public void The_pilot_is_each_datasets_corner_cells_and_scan_with_the_grids_ids_and_settings()
    {
        var data = Path.Combine(_root.FullName, "data");
        SweepTestData.WriteStudyManifests(data, 2_000_000);
        var spec = DesignedSpec(data);

        var pilot = SweepPlanner.Pilot(spec, _root.FullName);
        var grid = SweepPlanner.Plan(spec, _root.FullName).ToDictionary(c => c.CellId);

        Assert.Equal(
            new[]
            {
                "gzipscale-0.22__h4-i8-l1-a1__D100000__s0", "gzipscale-0.22__h4-i8-l1-a1__D400000__s0",
                "gzipscale-0.22__h16-i32-l2-a1__D100000__s0", "gzipscale-0.22__h16-i32-l2-a1__D400000__s0",
                "gzipscale-0.22__h4-i8-l1-a1__D200000__s0__lr0.04", "gzipscale-0.22__h4-i8-l1-a1__D200000__s0",
                "gzipscale-0.22__h4-i8-l1-a1__D200000__s0__lr0.16",
                "gzipscale-0.22__h16-i32-l2-a1__D200000__s0__lr0.01", "gzipscale-0.22__h16-i32-l2-a1__D200000__s0",
                "gzipscale-0.22__h16-i32-l2-a1__D200000__s0__lr0.04",
            },
            pilot.Where(c => c.Dataset == "gzipscale-0.22").Select(c => c.CellId));
        Assert.Equal(10 + 10 + 4, pilot.Count);
        Assert.Equal(Enumerable.Range(0, pilot.Count), pilot.Select(c => c.Index));
        Assert.All(pilot, c => Assert.Equal(grid[c.CellId] with { Index = c.Index }, c));
    }

    [Fact]
    public void The_pilot_of_a_plain_spec_is_its_four_corners_per_dataset()
    {
        var data = Path.Combine(_root.FullName, "data");
        SweepTestData.WriteStudyManifests(data, 2_000_000);
        var spec = SweepSpec.Study(data) with { Tokens = [100_000, 300_000, 1_000_000], Shapes = LlamaShape.Study.Take(3).ToArray(), Seeds = [0, 1] };

        var pilot = SweepPlanner.Pilot(spec, _root.FullName);

        Assert.Equal(6 * 4, pilot.Count);
        Assert.Equal(
            new[] { "h64-i128-l2-a1__D100000__s0", "h64-i128-l2-a1__D1000000__s0", "h256-i512-l6-a4__D100000__s0", "h256-i512-l6-a4__D1000000__s0" },
            pilot.Take(4).Select(c => c.CellId["gzipscale-0.11__".Length..]));
    }

    [Fact]
    public void A_scan_budget_larger_than_the_dataset_is_refused()
    {
        var data = Path.Combine(_root.FullName, "data");
        SweepTestData.WriteStudyManifests(data, 2_000_000);
        var spec = DesignedSpec(data);
        spec = spec with { Groups = [spec.Groups[0] with { LearningRateScan = new LearningRateScan { Factors = [2], Tokens = [5_000_000] } }] };

        var ex = Assert.Throws<UserInputException>(() => SweepPlanner.Plan(spec, _root.FullName));
        Assert.Contains("fewer than the budget 5000000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_committed_designed_grid_plans_its_cells_and_fits_the_issues_budget_of_core_seconds()
    {
        var data = Path.Combine(_root.FullName, "out", "designed");
        SweepTestData.WriteStudyManifests(data, 17_000_000);
        foreach (var name in new[] { "isovocab-3_300_2_2", "isovocab-10_300_5_3", "isovocab-20_300_10_5", "isovocab-50_300_20_10" })
        {
            SweepTestData.WriteManifest(data, name, 0.3, 17_000_000, 300);
        }

        var sweeps = Directory.CreateDirectory(Path.Combine(_root.FullName, "sweeps")).FullName;
        File.Copy(Path.Combine(SharedFiles.RepositoryRoot, "sweeps", "designed.json"), Path.Combine(sweeps, "designed.json"));
        var spec = SweepSpec.Load(Path.Combine(sweeps, "designed.json"));

        var grid = SweepPlanner.Plan(spec, _root.FullName);
        var pilot = SweepPlanner.Pilot(spec, _root.FullName);
        var cost = PlanCostEstimate.Estimate(grid, []);

        // docs/sweep.md quotes these: (36 + 4) cells for one seed, (72 + 4) for two; 0.11, 0.51, 0.61 one seed.
        Assert.Equal((3 * 40) + (7 * 76), grid.Count);
        Assert.Equal(10 * 10, pilot.Count);
        Assert.All(grid, c => Assert.True(c.Tokens / c.Training.Context / c.Training.BatchSize >= 195, c.CellId));
        Assert.InRange(cost.CoreSeconds, 15_000, 25_000);
    }
}
