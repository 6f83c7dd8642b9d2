using PcfgLab.Sweeps;

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
}
