using PcfgLab.Sweeps;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Sweeps;

public sealed class SweepSpecTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-spec-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void Load_reads_presets_shapes_budgets_seeds_vocabulary_and_training()
    {
        var path = Path.Combine(_root.FullName, "sweep.json");
        File.WriteAllText(path, """
            {
              "name": "small",
              "dataRoot": "data",
              "presets": ["gzipscale-0.11", "gzipscale-0.61"],
              "datasets": [{ "name": "mine", "path": "elsewhere/mine" }],
              "shapes": [[64, 128, 2, 1], { "hidden": 128, "intermediate": 256, "layers": 4, "heads": 2 }],
              "tokens": ["100k", 2000000, "5M"],
              "seeds": [0, 1],
              "vocabulary": "grammar",
              "training": { "batchSize": 16, "learningRate": 1e-4, "schedule": "constant", "warmupSteps": 10 },
            }
            """);

        var spec = SweepSpec.Load(path);

        Assert.Equal(
            new[] { Path.Combine(_root.FullName, "data", "gzipscale-0.11"), Path.Combine(_root.FullName, "data", "gzipscale-0.61"), Path.Combine(_root.FullName, "elsewhere", "mine") },
            spec.Datasets);
        Assert.Equal(new[] { new LlamaShape(64, 128, 2, 1), new LlamaShape(128, 256, 4, 2) }, spec.Shapes);
        Assert.Equal(new long[] { 100_000, 2_000_000, 5_000_000 }, spec.Tokens);
        Assert.Equal(new[] { 0, 1 }, spec.Seeds);
        Assert.Null(spec.Vocabulary);
        Assert.Equal(16, spec.Training.BatchSize);
        Assert.Equal(1e-4, spec.Training.LearningRate);
        Assert.Equal("constant", spec.Training.Schedule);
        Assert.Equal(10, spec.Training.WarmupSteps);
        Assert.Equal(256, spec.Training.Context);
    }

    [Fact]
    public void MaxShapes_keeps_the_smallest_study_shapes()
    {
        var path = Path.Combine(_root.FullName, "sweep.json");
        File.WriteAllText(path, """{ "presets": ["gzipscale-0.11"], "maxShapes": 3 }""");

        var spec = SweepSpec.Load(path);

        Assert.Equal(LlamaShape.Study.Take(3), spec.Shapes);
        Assert.Equal(SweepSpec.StudyTokens, spec.Tokens);
        Assert.Equal(32001, spec.Vocabulary);
    }

    [Theory]
    [InlineData("""{ "presets": ["x"], "budgets": [1] }""", "unknown field \"budgets\"")]
    [InlineData("""{ "presets": ["x"], "tokens": ["lots"] }""", "'lots' is not a count")]
    [InlineData("""{ "presets": ["x"], "shapes": [{ "hidden": 64 }] }""", "lacks \"intermediate\"")]
    [InlineData("""{ "presets": "x" }""", "\"presets\" must be an array")]
    [InlineData("""{ "presets": ["x"], "training": { "lr": 1 } }""", "unknown field \"training.lr\"")]
    public void Load_names_the_bad_field(string json, string expected)
    {
        var path = Path.Combine(_root.FullName, "bad.json");
        File.WriteAllText(path, json);

        var ex = Assert.Throws<UserInputException>(() => SweepSpec.Load(path));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("study.json", 6, 6, 6)]
    [InlineData("small-cpu.json", 2, 2, 4)]
    [InlineData("cpu.json", 6, 4, 4)]
    public void The_example_sweep_files_load(string file, int datasets, int shapes, int budgets)
    {
        var spec = SweepSpec.Load(Path.Combine(SharedFiles.RepositoryRoot, "sweeps", file));

        Assert.Equal(datasets, spec.Datasets.Count);
        Assert.Equal(shapes, spec.Shapes.Count);
        Assert.Equal(budgets, spec.Tokens.Count);
        Assert.All(spec.Datasets, d => Assert.Equal(Path.Combine(SharedFiles.RepositoryRoot, "out"), Path.GetDirectoryName(d)));
    }

    [Fact]
    public void A_training_profile_is_applied_first_and_the_other_fields_override_it()
    {
        var path = Path.Combine(_root.FullName, "profile.json");
        File.WriteAllText(path, """{ "presets": ["x"], "training": { "learningRate": 1e-3, "profile": "small", "weightDecay": 0.1 } }""");

        var training = SweepSpec.Load(path).Training;

        Assert.Equal(TrainingSettings.Small with { LearningRate = 1e-3, WeightDecay = 0.1 }, training);
    }

    [Fact]
    public void Validation_documents_are_read_from_the_training_settings()
    {
        var path = Path.Combine(_root.FullName, "valid.json");
        File.WriteAllText(path, """{ "presets": ["x"], "training": { "profile": "small", "validationDocuments": 1000 } }""");

        Assert.Equal(TrainingSettings.Small with { ValidationDocuments = 1000 }, SweepSpec.Load(path).Training);
    }

    [Fact]
    public void The_cpu_sweep_uses_the_small_profile_and_the_grammars_vocabulary()
    {
        var spec = SweepSpec.Load(Path.Combine(SharedFiles.RepositoryRoot, "sweeps", "cpu.json"));
        Assert.Equal(TrainingSettings.Small, spec.Training);
        Assert.Null(spec.Vocabulary);
        Assert.Equal(30.0, (double)spec.Tokens.Max() / spec.Tokens.Min());
    }

    [Theory]
    [InlineData("lr-1e-3.json", 1e-3)]
    [InlineData("lr-3e-2.json", 3e-2)]
    [InlineData("h96-lr-3e-3.json", 3e-3)]
    public void The_lr_scan_files_train_each_shape_at_exactly_their_named_rate(string file, double rate)
    {
        var spec = SweepSpec.Load(Path.Combine(SharedFiles.RepositoryRoot, "sweeps", "lr-scan", file));
        var shape = Assert.Single(spec.Shapes);
        Assert.Equal(rate, spec.Training.ForShape(shape).LearningRate, 15);
        Assert.Equal("small", spec.Training.Profile);
    }

    [Fact]
    public void Validate_requires_a_dataset()
    {
        var ex = Assert.Throws<UserInputException>(() => new SweepSpec().Validate());
        Assert.Contains("no dataset", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_reads_groups_each_with_its_own_datasets_grid_seeds_batch_rule_and_scan()
    {
        var path = Path.Combine(_root.FullName, "designed.json");
        File.WriteAllText(path, """
            {
              "dataRoot": "data",
              "tokens": ["1M"],
              "training": { "profile": "small" },
              "groups": [
                { "name": "a", "presets": ["p1", "p2"], "shapes": [[4, 8, 1, 1], [8, 16, 2, 1]], "tokens": ["100k", "200k"], "seeds": [0, 1],
                  "batch": { "min": 2, "max": 8, "minSteps": 200 }, "lrScan": { "factors": [0.5, 1, 2], "tokens": ["200k"] } },
                { "presets": ["p3"] }
              ]
            }
            """);

        var spec = SweepSpec.Load(path);

        Assert.Equal(2, spec.Groups.Count);
        var a = spec.Groups[0];
        Assert.Equal(new[] { Path.Combine(_root.FullName, "data", "p1"), Path.Combine(_root.FullName, "data", "p2") }, a.Datasets);
        Assert.Equal(new[] { new LlamaShape(4, 8, 1, 1), new LlamaShape(8, 16, 2, 1) }, a.Shapes);
        Assert.Equal(new long[] { 100_000, 200_000 }, a.Tokens);
        Assert.Equal(new[] { 0, 1 }, a.Seeds);
        Assert.Equal(new BatchRule(2, 8, 200), a.Batch);
        Assert.Equal(new[] { 0.5, 1, 2 }, a.LearningRateScan!.Factors);
        Assert.Equal(new long[] { 200_000 }, a.LearningRateScan.Tokens);
        var b = spec.Groups[1];
        Assert.Equal(new long[] { 1_000_000 }, b.Tokens);
        Assert.Equal(LlamaShape.Study, b.Shapes);
        Assert.Null(b.Batch);
        Assert.Null(b.LearningRateScan);
        Assert.Equal(3, spec.Datasets.Count);
        Assert.Equal(TrainingSettings.Small, spec.Training);
    }

    [Theory]
    [InlineData("""{ "presets": ["x"], "groups": [{ "presets": ["y"] }] }""", "move the top-level \"presets\"")]
    [InlineData("""{ "groups": [] }""", "\"groups\" is empty")]
    [InlineData("""{ "groups": [{ "presets": ["y"], "lr": 1 }] }""", "unknown field \"groups[].lr\"")]
    [InlineData("""{ "groups": [{ "presets": ["y"], "batch": { "min": 2 } }] }""", "lacks \"max\"")]
    [InlineData("""{ "groups": [{ "presets": ["y"], "batch": { "min": 2, "max": 8, "minSteps": 9, "x": 1 } }] }""", "unknown field \"groups[].batch.x\"")]
    [InlineData("""{ "groups": [{ "presets": ["y"], "lrScan": { "factor": [2] } }] }""", "unknown field \"groups[].lrScan.factor\"")]
    public void Load_names_the_bad_group_field(string json, string expected)
    {
        var path = Path.Combine(_root.FullName, "bad.json");
        File.WriteAllText(path, json);

        var ex = Assert.Throws<UserInputException>(() => SweepSpec.Load(path));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_designed_sweep_file_has_its_groups_and_the_issues_ranges()
    {
        var spec = SweepSpec.Load(Path.Combine(SharedFiles.RepositoryRoot, "sweeps", "designed.json"));

        Assert.Equal(10, spec.Datasets.Count);
        Assert.All(spec.Groups, g => Assert.Equal(6, g.Shapes.Count));
        Assert.All(spec.Groups, g => Assert.Equal(32.0, (double)g.Tokens[^1] / g.Tokens[0]));
        Assert.Equal((16, 128), (spec.Groups[3].Shapes[0].Hidden, spec.Groups[3].Shapes[^1].Hidden));
        Assert.Equal(16_000_000, spec.Groups[3].Tokens[^1]);
        Assert.Equal(TrainingSettings.Small with { ValidationDocuments = 1000 }, spec.Training);
        Assert.All(spec.Groups, g => Assert.Equal(3, g.LearningRateScan!.Factors.Count));
    }
}
