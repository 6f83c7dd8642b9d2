using Microsoft.Extensions.Logging.Abstractions;
using PcfgLab.Reporting;
using PcfgLab.Sweeps;
using PcfgLab.Tests.Sweeps;

namespace PcfgLab.Tests.Reporting;

public sealed class ReportWriterTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-report-");

    // A 108-start grid instead of the fitter's 4500 keeps the tests fast; the fit test checks it still reproduces the law.
    private static readonly ScalingAnalysis Analysis = new(ScalingAnalysis.CoarseGrid);

    public void Dispose() => _root.Delete(recursive: true);

    private (string Plan, string Results, IReadOnlyList<PlanCell> Cells) SyntheticSweep(int skipEvery)
    {
        var data = Path.Combine(_root.FullName, "data");
        SweepTestData.WriteStudyManifests(data, 11_000_000);
        var spec = SweepSpec.Study(data) with
        {
            Shapes = LlamaShape.Study.Take(4).ToArray(),
            Tokens = [100_000, 300_000, 1_000_000, 3_000_000, 10_000_000],
        };
        var plan = Path.Combine(_root.FullName, "plan.jsonl");
        var cells = SweepPlanner.Plan(spec, _root.FullName);
        SweepPlanner.Write(plan, cells);
        var results = Path.Combine(_root.FullName, "results.jsonl");
        var trainer = new SyntheticTrainer();
        foreach (var cell in cells.Where(c => skipEvery == 0 || c.Index % skipEvery != 1))
        {
            TrainingRecordStore.Append(results, trainer.Train(cell, DatasetInfo.Read(cell.ResolveDatasetPath(plan))));
        }

        return (plan, results, cells);
    }

    [Fact]
    public void Report_has_every_figure_as_valid_png_and_svg_and_says_records_are_synthetic()
    {
        var (plan, results, cells) = SyntheticSweep(skipEvery: 40);
        var output = Path.Combine(_root.FullName, "report");

        var summary = new ReportWriter(NullLogger.Instance, Analysis).Write(
            new ReportOptions { ResultsFiles = [results], PlanPath = plan, OutputFolder = output }, CancellationToken.None);

        Assert.Equal(cells.Count - 3, summary.Records);
        Assert.Equal(summary.Records, summary.SyntheticRecords);
        Assert.Equal(3, summary.MissingCells);
        Assert.Equal(6, summary.DatasetsFitted);
        Assert.Equal(5, summary.Trends.Count);

        // gzip distribution, six loss figures, two frontiers, tokens per parameter, five parameters: 15 figures.
        Assert.Equal(15 * 2, summary.Figures.Count);
        foreach (var figure in summary.Figures)
        {
            Assert.True(File.Exists(figure), figure);
            if (figure.EndsWith(".png", StringComparison.Ordinal))
            {
                Assert.Equal((FigureFile.Width, FigureFile.Height), FigureChecks.AssertPng(figure));
            }
            else
            {
                FigureChecks.AssertSvg(figure);
            }
        }

        Assert.Empty(Directory.GetFiles(output, "*.tmp", SearchOption.AllDirectories));
        var markdown = File.ReadAllText(summary.MarkdownPath);
        Assert.Contains("SYNTHETIC RESULTS", markdown, StringComparison.Ordinal);
        Assert.Contains(ToolInfo.Version, markdown, StringComparison.Ordinal);
        Assert.Contains("3 of 120 planned cells have no record", markdown, StringComparison.Ordinal);
        Assert.Contains(cells[1].CellId, markdown, StringComparison.Ordinal);
        foreach (var figure in summary.Figures.Where(f => f.EndsWith(".png", StringComparison.Ordinal)))
        {
            Assert.Contains("](figures/" + Path.GetFileName(figure) + ")", markdown, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Fitted_laws_reproduce_the_synthetic_losses_and_E_rises_with_H()
    {
        var (plan, results, _) = SyntheticSweep(skipEvery: 0);
        var summary = new ReportWriter(NullLogger.Instance, Analysis).Write(
            new ReportOptions { ResultsFiles = [results], PlanPath = plan, OutputFolder = Path.Combine(_root.FullName, "report") }, CancellationToken.None);

        var law = SyntheticLaw.Default;
        foreach (var dataset in summary.Datasets)
        {
            var fit = Assert.IsType<LawFit>(dataset.Fit);
            foreach (var record in dataset.Records)
            {
                // The noise is log-normal with sd 0.5%; the fit may not beat it, and 3% is 6 standard deviations.
                var truth = law.Loss(dataset.GzipMedian!.Value, record.Parameters, record.Tokens);
                Assert.InRange(fit.Loss(record.Parameters, record.Tokens) / truth, 0.97, 1.03);
            }
        }

        // E rises with H by 3 nats per unit H in the law; the fitted E's trend must at least have that sign (the other
        // parameters trade off against each other in a Chinchilla fit on 20 runs, so their slopes are not checked).
        var e = summary.Trends.Single(t => t.Parameter == "E");
        Assert.True(e.Slope > 0, $"slope of E in H: {e.Slope}");
    }

    [Fact]
    public void A_bootstrap_adds_intervals_that_contain_the_estimates()
    {
        var (plan, results, _) = SyntheticSweep(skipEvery: 0);
        var analysis = new ScalingAnalysis(ScalingAnalysis.CoarseGrid, new PcfgLab.Scaling.BootstrapOptions { Resamples = 10, Seed = 7 });
        var summary = new ReportWriter(NullLogger.Instance, analysis).Write(
            new ReportOptions { ResultsFiles = [results], PlanPath = plan, OutputFolder = Path.Combine(_root.FullName, "report"), BootstrapSamples = 10, Seed = 7 },
            CancellationToken.None);

        foreach (var dataset in summary.Datasets)
        {
            var fit = dataset.Fit!;
            Assert.Equal(7, fit.Intervals!.Count);
            foreach (var (name, value) in fit.Named())
            {
                var interval = fit.Interval(name)!;
                Assert.True(interval.Lower <= interval.Upper, $"{dataset.Name} {name}: {interval.Lower} > {interval.Upper}");
                Assert.Equal(value, interval.Estimate, 9);
            }
        }

        var markdown = File.ReadAllText(summary.MarkdownPath);
        Assert.Contains("Bootstrap intervals (10 resamples of each dataset's runs, seed 7", markdown, StringComparison.Ordinal);
        Assert.Contains("- Bootstrap: 10 resamples per dataset, seed 7", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_plan_the_report_says_missing_cells_are_unknown()
    {
        var (_, results, _) = SyntheticSweep(skipEvery: 0);
        var summary = new ReportWriter(NullLogger.Instance, Analysis).Write(
            new ReportOptions { ResultsFiles = [results], OutputFolder = Path.Combine(_root.FullName, "report") }, CancellationToken.None);

        Assert.Null(summary.MissingCells);
        Assert.Contains("cells without a record are not known", File.ReadAllText(summary.MarkdownPath), StringComparison.Ordinal);
    }

    [Fact]
    public void A_dataset_with_too_few_runs_is_reported_unfitted()
    {
        var results = Path.Combine(_root.FullName, "few.jsonl");
        TrainingRecordStore.Append(results, new TrainingRecord { CellId = "a", Dataset = "tiny", Device = "cpu", Parameters = 1000, Tokens = 1000, FinalValidLoss = 3, GzipMedian = 0.3 });
        TrainingRecordStore.Append(results, new TrainingRecord { CellId = "b", Dataset = "tiny", Device = "cpu", Parameters = 2000, Tokens = 1000, FinalValidLoss = 2.9, GzipMedian = 0.3 });

        var summary = new ReportWriter(NullLogger.Instance, Analysis).Write(
            new ReportOptions { ResultsFiles = [results], OutputFolder = Path.Combine(_root.FullName, "report") }, CancellationToken.None);

        var dataset = Assert.Single(summary.Datasets);
        Assert.Null(dataset.Fit);
        Assert.NotNull(dataset.FitProblem);
        Assert.Equal(0, summary.SyntheticRecords);
        Assert.DoesNotContain("SYNTHETIC RESULTS", File.ReadAllText(summary.MarkdownPath), StringComparison.Ordinal);
    }

    [Fact]
    public void Provenance_says_which_profile_and_precision_made_the_trained_runs()
    {
        var results = Path.Combine(_root.FullName, "profiles.jsonl");
        TrainingRecordStore.Append(results, new TrainingRecord { CellId = "a", Dataset = "d", Device = "cpu", Parameters = 1000, Tokens = 1000, FinalValidLoss = 3, Profile = "small", DType = "bfloat16", TorchVersion = "1.13.0a0" });
        TrainingRecordStore.Append(results, new TrainingRecord { CellId = "b", Dataset = "d", Device = "cpu", Parameters = 2000, Tokens = 1000, FinalValidLoss = 2.9, Profile = "small", DType = "bfloat16", TorchVersion = "1.13.0a0" });
        TrainingRecordStore.Append(results, new TrainingRecord { CellId = "c", Dataset = "d", Device = "cuda", Parameters = 2000, Tokens = 2000, FinalValidLoss = 2.8, Profile = "study", DType = "float32" });

        var summary = new ReportWriter(NullLogger.Instance, Analysis).Write(
            new ReportOptions { ResultsFiles = [results], OutputFolder = Path.Combine(_root.FullName, "report") }, CancellationToken.None);

        var markdown = File.ReadAllText(summary.MarkdownPath);
        Assert.Contains("- Training profiles: small, bfloat16 (2); study, float32 (1)", markdown, StringComparison.Ordinal);
        Assert.Contains("- Training software: torch 1.13.0a0, transformers not used", markdown, StringComparison.Ordinal);
    }

    private static DatasetResults FloorDataset(string name, double floor, double? fittedE, (double Lower, double Upper)? eInterval, params (double Loss, bool Synthetic)[] runs)
    {
        var records = runs.Select((r, k) => new TrainingRecord
        {
            CellId = name + k,
            Dataset = name,
            Device = r.Synthetic ? TrainingRecord.SyntheticDevice : "cuda",
            Parameters = 1000 * (k + 1),
            Tokens = 5000,
            FinalValidLoss = r.Loss,
        }).ToArray();
        LawFit? fit = fittedE is { } e
            ? new LawFit(new PcfgLab.Scaling.ChinchillaParameters(e, 100, 100, 0.3, 0.3))
            {
                Intervals = eInterval is { } i ? [new PcfgLab.Scaling.ParameterInterval("E", e, 0.01, i.Lower, i.Upper)] : null,
            }
            : null;
        return new DatasetResults(name, 0.3, 0.01, null, records, fit, fit is null ? "no fit" : null, new DatasetFloorInfo(floor, floor - 0.01, floor + 0.01, floor - 0.02, 0.2, 0.19));
    }

    [Fact]
    public void Floor_section_compares_E_with_the_floor_and_flags_real_runs_below_it()
    {
        var md = new System.Text.StringBuilder();
        ReportWriter.FloorSection(md,
        [
            FloorDataset("ok", 1.0, 1.005, (0.98, 1.03), (1.5, false), (1.2, false)),
            FloorDataset("bug", 1.0, 0.9, (0.85, 0.95), (0.95, false), (0.985, true)),
            FloorDataset("high", 1.0, 1.2, null, (1.3, false)),
        ]);
        var text = md.ToString();
        var lines = text.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("| ok ", StringComparison.Ordinal) && l.Contains("| consistent |", StringComparison.Ordinal) && l.Contains("+0.0050", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("| bug ", StringComparison.Ordinal) && l.Contains("E below the floor", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("| high ", StringComparison.Ordinal) && l.Contains("E above the floor (no bootstrap)", StringComparison.Ordinal));

        // The real run at 0.95 is below the floor's interval [0.99, 1.01]; the synthetic one at 0.985 is labelled, not flagged.
        Assert.Contains("**1 run(s) from training are below the floor", text, StringComparison.Ordinal);
        Assert.Single(lines, l => l.Contains("BELOW FLOOR: pipeline bug", StringComparison.Ordinal) && l.Contains("0.9500", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("0.9850", StringComparison.Ordinal) && l.EndsWith("| synthetic |", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("| 1.5000 | 1.0000 | +0.5000 |", StringComparison.Ordinal));
    }

    [Fact]
    public void Floor_section_says_when_no_manifest_records_a_floor()
    {
        var md = new System.Text.StringBuilder();
        ReportWriter.FloorSection(md, [new DatasetResults("old", 0.3, 0.01, null, [], null, "no run records")]);
        Assert.Contains("No dataset manifest records a loss floor", md.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-0.00001, "+0.0000")]
    [InlineData(0.0, "+0.0000")]
    [InlineData(0.01234, "+0.0123")]
    [InlineData(-0.0010, "-0.0010")]
    public void Signed_differences_read_cleanly_around_zero(double value, string expected) =>
        Assert.Equal(expected, ReportWriter.Signed(value));
}
