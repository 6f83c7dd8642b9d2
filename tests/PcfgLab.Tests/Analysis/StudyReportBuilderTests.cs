using Microsoft.Extensions.Logging.Abstractions;
using PcfgLab.Analysis;
using PcfgLab.Floor;
using PcfgLab.Sweeps;
using PcfgLab.Tests.Sweeps;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Analysis;

[Trait("Speed", "slow")]
public sealed class StudyReportBuilderTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-studyreport-");

    public void Dispose() => _root.Delete(recursive: true);

    private static StudyReport Build(StudyReportOptions options, ILawAnalysis? analysis = null, TimeProvider? clock = null) =>
        new StudyReportBuilder(NullLogger.Instance, analysis ?? StudyReports.Coarse, clock: clock, jointFit: ScalingAnalysis.CoarseJointGrid).Build(options, CancellationToken.None);

    [Fact]
    public void A_sweep_with_a_plan_gives_its_records_fits_trends_and_missing_cells()
    {
        // The shared gapped sweep's report (ReportFiguresTests draws the same one): built once per test run.
        var (results, cells, report) = (StudyReports.Gapped.Results, StudyReports.Gapped.Cells, StudyReports.Gapped.Report);

        Assert.Equal(cells.Count - 3, report.Records.Count);
        Assert.Equal(report.Records.Count, report.SyntheticRecords);
        Assert.Equal(cells.Count, report.Plan!.Count);
        Assert.Equal([cells[1].CellId, cells[41].CellId, cells[81].CellId], report.MissingCells!.Select(m => m.Cell.CellId));
        Assert.All(report.MissingCells!, m => Assert.Null(m.LastFailure));
        Assert.Equal(SweepTestData.StudyDatasets.Select(d => d.Name), report.Datasets.Select(d => d.Name));
        Assert.Equal(6, report.DatasetsFitted);
        // Only datasets whose primary fit (E at the floor) identifies both exponents are regressed on H.
        var both = report.Datasets.Count(d => d.Identification!.Estimate("alpha")!.Identified && d.Identification.Estimate("beta")!.Identified);
        Assert.All(report.Trends, t => Assert.Equal(both, t.Datasets));
        Assert.Equal(both >= 2 ? 5 : 0, report.Trends.Count);
        // These manifests record no floor: the primary fit has a free E and no check beside it.
        Assert.All(report.Datasets, d => Assert.Null(d.Floor));
        Assert.All(report.Datasets, d => Assert.Null(d.Identification!.FixedE));
        Assert.All(report.Datasets, d => Assert.Null(d.FreeCheck));
        Assert.Equal(15, report.Predictors.Count);
        Assert.Equal(3, report.Verdicts.Count);
        Assert.NotNull(report.Comparison.Joint);
        Assert.Equal(6, report.Comparison.Allocation.Count);
        Assert.Equal(ComputeRange.Of(report.Records), report.Compute);
        Assert.Equal([new ResultsFileStatus(results, true)], report.ResultsFiles);
        Assert.Empty(report.Problems);
    }

    [Fact]
    public void H_is_the_H_of_the_data_the_runs_were_trained_on_even_after_the_folder_was_regenerated()
    {
        var (plan, results, _) = StudyReports.SyntheticSweep(_root.FullName, skipEvery: 0);
        // The folders regenerated since (another size): their manifests now say another H than the runs carry.
        foreach (var (name, h, terminals) in SweepTestData.StudyDatasets)
        {
            SweepTestData.WriteManifest(Path.Combine(_root.FullName, "data"), name, h - 0.001, 110_000_000, terminals);
        }

        var report = Build(new StudyReportOptions { ResultsFiles = [results], PlanPath = plan });

        Assert.Equal(SweepTestData.StudyDatasets.Select(d => (double?)d.H), report.Datasets.Select(d => d.GzipMedian));
        var first = SweepTestData.StudyDatasets[0];
        var expected = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"dataset {first.Name}: its folder now holds other data (manifest H = {first.H - 0.001:0.0000}) than its runs were trained on (H = {first.H:0.0000}); the report uses the runs' H");
        Assert.Contains(report.Problems, p => p.StartsWith(expected, StringComparison.Ordinal));
        Assert.Equal(6, report.Problems.Count);
    }

    [Fact]
    public void The_two_step_slopes_beside_the_joint_fit_are_the_regression_tables()
    {
        // One value per quantity: the joint section's two-step column is the regression of the report's own free fits, not a refit.
        var report = StudyReports.Complete.Report;

        Assert.Equal(5, report.Comparison.Slopes.Count);
        var freeRegression = ScalingStudy.TryRegress(report.Datasets.Select(d => (d.Name, d.GzipMedian, d.Fit!.Parameters)))!;
        foreach (var row in report.Comparison.Slopes.Where(r => double.IsFinite(r.TwoStepSlope)))
        {
            // The joint section's two-step column regresses every dataset's free-E fit (the study's procedure, shown beside the joint fit).
            var trend = freeRegression[row.Name];
            Assert.Equal(trend.Slope, row.TwoStepSlope);
            Assert.Equal(trend.PValue, row.TwoStepPValue);
        }

        foreach (var (row, dataset) in report.Comparison.Allocation.Zip(report.Datasets.OrderBy(d => d.Name, StringComparer.Ordinal)))
        {
            Assert.Equal(dataset.Fit!.Parameters.ParameterAllocationExponent, row.Approach3.Value);
        }
    }

    [Fact]
    public void Fitted_laws_reproduce_the_synthetic_losses_and_E_rises_with_H()
    {
        var report = StudyReports.Complete.Report;

        var law = SyntheticLaw.Default;
        foreach (var dataset in report.Datasets)
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
        var e = ScalingStudy.TryRegress(report.Datasets.Select(d => (d.Name, d.GzipMedian, d.Fit!.Parameters)))!["E"];
        Assert.True(e.Slope > 0, $"slope of E in H: {e.Slope}");
        Assert.Empty(report.MissingCells!);
    }

    [Fact]
    public void The_sweep_report_builder_seeds_the_bootstrap_with_the_report_seed()
    {
        var options = StudyReports.Complete.Options with { BootstrapSamples = StudyReports.SharedSweep.BootstrapResamples, Seed = StudyReports.SharedSweep.BootstrapSeed };
        // Built by hand (once per test run): the coarse grid with a bootstrap of those resamples and seed.
        var byHand = StudyReports.Complete.Bootstrapped;

        var report = StudyReportBuilder.Build(NullLogger.Instance, options, coarseGrid: true, CancellationToken.None);

        Assert.Equal(byHand.Datasets.Count, report.Datasets.Count);
        for (var i = 0; i < report.Datasets.Count; i++)
        {
            Assert.Equal(byHand.Datasets[i].Fit!.Parameters, report.Datasets[i].Fit!.Parameters);
            Assert.Equal(byHand.Datasets[i].Fit!.Intervals, report.Datasets[i].Fit!.Intervals);
        }
    }

    [Fact]
    public void A_bootstrap_adds_intervals_that_contain_the_estimates()
    {
        // The shared report of the complete sweep with the coarse grid and a bootstrap of 10 resamples, seed 7.
        var report = StudyReports.Complete.Bootstrapped;

        Assert.Equal((10, 7UL), (report.BootstrapSamples, report.Seed));
        foreach (var dataset in report.Datasets)
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
    }

    [Fact]
    public void Without_a_plan_the_missing_cells_are_unknown_and_the_datasets_come_from_the_records()
    {
        var results = Path.Combine(_root.FullName, "r.jsonl");
        TrainingRecordStore.Append(results, StudyReports.Record("b", "b1", 1000, 1000, 3));
        TrainingRecordStore.Append(results, StudyReports.Record("a", "a1", 1000, 1000, 3));

        var report = Build(new StudyReportOptions { ResultsFiles = [results, Path.Combine(_root.FullName, "absent.jsonl")] });

        Assert.Null(report.Plan);
        Assert.Null(report.MissingCells);
        Assert.Equal(["b", "a"], report.Datasets.Select(d => d.Name));
        Assert.Equal([true, false], report.ResultsFiles.Select(f => f.Found));
    }

    [Fact]
    public void A_dataset_with_too_few_runs_is_unfitted_and_says_why()
    {
        var results = Path.Combine(_root.FullName, "few.jsonl");
        TrainingRecordStore.Append(results, StudyReports.Record("tiny", "a", 1000, 1000, 3) with { GzipMedian = 0.3 });
        TrainingRecordStore.Append(results, StudyReports.Record("tiny", "b", 2000, 1000, 2.9) with { GzipMedian = 0.3 });

        var report = Build(new StudyReportOptions { ResultsFiles = [results] });

        var dataset = Assert.Single(report.Datasets);
        Assert.Null(dataset.Fit);
        Assert.NotNull(dataset.FitProblem);
        Assert.Equal(0.3, dataset.GzipMedian);
        Assert.Equal(0, report.DatasetsFitted);
        Assert.Null(report.Compute);
        Assert.Empty(report.Trends);
        Assert.Equal(0, report.SyntheticRecords);
    }

    [Fact]
    public void Missing_cells_carry_their_last_failure_and_an_unreadable_failures_file_is_named()
    {
        // The shared gapped sweep's files, read only; the failures files are this test's own.
        var (plan, results, cells) = (StudyReports.Gapped.Plan, StudyReports.Gapped.Results, StudyReports.Gapped.Cells);
        var failures = Path.Combine(_root.FullName, "failures.jsonl");
        foreach (var reason in new[] { "exit 1", "exit 2" })
        {
            JsonLinesFile.Append(failures, new TrainingFailure { CellId = cells[41].CellId, CellIndex = 41, Reason = reason, Command = "t", FailedAt = "now", StderrTail = "a\nlast line" }, SweepJson.Default.TrainingFailure);
        }

        var broken = Path.Combine(_root.FullName, "failures-broken.jsonl");
        File.WriteAllText(broken, "{not json\n");

        // The coarse fits, not NoFits: without fits of its own the report's joint fit searches its whole grid (seconds).
        var report = Build(new StudyReportOptions { ResultsFiles = [results], PlanPath = plan, FailuresFiles = [failures, broken] });

        Assert.Equal([null, "exit 2", null], report.MissingCells!.Select(m => m.LastFailure?.Reason));
        var unreadable = Assert.Single(report.UnreadableFailuresFiles);
        Assert.StartsWith($"failures file `{broken}` unreadable: ", unreadable, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_dataset_manifest_is_a_problem_not_a_failure()
    {
        var (plan, results, _) = StudyReports.SyntheticSweep(_root.FullName, skipEvery: 0, small: true);
        File.WriteAllText(Path.Combine(_root.FullName, "data", "gzipscale-0.35", "dataset.json"), "{broken");

        var report = Build(new StudyReportOptions { ResultsFiles = [results], PlanPath = plan }, new NoFits());

        var problem = Assert.Single(report.Problems);
        Assert.StartsWith("dataset gzipscale-0.35: ", problem, StringComparison.Ordinal);
        Assert.Equal(6, report.Datasets.Count);
        Assert.All(report.Datasets, d => Assert.Equal("no fits in this test", d.FitProblem));
    }

    [Fact]
    public void Created_is_the_clock_s_time()
    {
        var results = Path.Combine(_root.FullName, "none.jsonl");
        var now = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

        var report = Build(new StudyReportOptions { ResultsFiles = [results] }, clock: new StudyReports.FixedClock(now));

        Assert.Equal(now.UtcDateTime, report.Created);
        Assert.Empty(report.Records);
        Assert.Empty(report.Datasets);
    }

    /// <summary>
    /// A sweep whose gzipscale-0.35 manifest records a floor and whose first two 0.35 records (made trained ones) name validation documents
    /// 100..103 and 102..105 (losses 2.0 each); the rest are older records without them.
    /// </summary>
    private (string Plan, string Results) SweepWithValidationDocuments()
    {
        var (plan, results, _) = StudyReports.SyntheticSweep(_root.FullName, skipEvery: 0, small: true);
        var manifestPath = Path.Combine(_root.FullName, "data", "gzipscale-0.35", "dataset.json");
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        manifest["floor"] = System.Text.Json.Nodes.JsonNode.Parse("""{"nats":1.0,"standardError":0.005,"lower95":0.99,"upper95":1.01,"documents":1000}""");
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        var records = TrainingRecordStore.Read([results], new List<string>()).ToList();
        var named = 0;
        for (var i = 0; i < records.Count && named < 2; i++)
        {
            if (records[i].Dataset == "gzipscale-0.35")
            {
                records[i] = records[i] with { Device = "cpu", ValidDocumentRanges = [[100 + (2 * named), 104 + (2 * named)]], ValidDocumentLosses = [2.0, 2.0, 2.0, 2.0] };
                named++;
            }
        }

        File.WriteAllLines(results, records.Select(r => System.Text.Json.JsonSerializer.Serialize(r, SweepJson.Default.TrainingRecord)));
        return (plan, results);
    }

    [Fact]
    public void The_floor_of_the_runs_validation_documents_is_measured_once_per_dataset_and_pairs_those_runs()
    {
        var (plan, results) = SweepWithValidationDocuments();
        var calls = new List<(string Path, long[] Documents)>();
        var builder = new StudyReportBuilder(NullLogger.Instance, new NoFits(), documentFloor: (path, documents, _) =>
        {
            calls.Add((path, [.. documents]));
            return new DocumentFloor([.. documents], [.. documents.Select(d => d / 100.0)], 1.025, 0.001);
        });

        var report = builder.Build(new StudyReportOptions { ResultsFiles = [results], PlanPath = plan }, CancellationToken.None);

        var call = Assert.Single(calls);
        Assert.EndsWith("gzipscale-0.35", call.Path, StringComparison.Ordinal);
        Assert.Equal([100L, 101, 102, 103, 104, 105], call.Documents);
        var dataset = report.Datasets.Single(d => d.Name == "gzipscale-0.35");
        Assert.NotNull(dataset.ValidationFloor);
        var paired = dataset.Records.Select(dataset.PairedExcessOf).Where(p => p is not null).ToArray();
        Assert.Equal(2, paired.Length);
        Assert.Equal(2.0 - 1.015, paired[0]!.Mean, 12); // floor of 100..103: 1.00, 1.01, 1.02, 1.03
        Assert.Equal(2.0 - 1.035, paired[1]!.Mean, 12); // floor of 102..105
        Assert.All(report.Datasets.Where(d => d.Name != "gzipscale-0.35"), d => Assert.Null(d.ValidationFloor));
        Assert.Empty(report.Problems);
    }

    [Fact]
    public void A_validation_floor_that_cannot_be_measured_is_a_problem_and_the_runs_stay_unpaired()
    {
        var (plan, results) = SweepWithValidationDocuments();
        var builder = new StudyReportBuilder(NullLogger.Instance, new NoFits(), documentFloor: (_, _, _) => throw new UserInputException("no grammar copy"));

        var report = builder.Build(new StudyReportOptions { ResultsFiles = [results], PlanPath = plan }, CancellationToken.None);

        var problem = Assert.Single(report.Problems);
        Assert.Equal("dataset gzipscale-0.35: the floor of its runs' validation documents could not be measured (no grammar copy); the report compares them with the manifest's floor, unpaired", problem);
        Assert.All(report.Datasets, d => Assert.Null(d.ValidationFloor));
    }

    [Fact]
    public void A_primary_fit_that_misses_the_trained_runs_excess_identifies_nothing()
    {
        var (plan, results) = SweepWithValidationDocuments();
        var records = TrainingRecordStore.Read([results], new List<string>()).Select(r => r.Dataset == "gzipscale-0.35" ? r with { Device = "cpu" } : r).ToList();
        File.WriteAllLines(results, records.Select(r => System.Text.Json.JsonSerializer.Serialize(r, SweepJson.Default.TrainingRecord)));
        var builder = new StudyReportBuilder(NullLogger.Instance, new NegligibleLaw(), documentFloor: (_, documents, _) =>
            new DocumentFloor([.. documents], [.. documents.Select(_ => 1.0)], 1.0, 0.001));

        var report = builder.Build(new StudyReportOptions { ResultsFiles = [results], PlanPath = plan }, CancellationToken.None);

        // The law predicts an excess of 1e-9 nats where the runs sit well above the floor: no parameter is identified.
        var id = report.Datasets.Single(d => d.Name == "gzipscale-0.35").Identification!;
        Assert.False(id.Misfit!.Describes);
        Assert.Equal(records.Count(r => r.Dataset == "gzipscale-0.35"), id.Misfit.Runs);
        Assert.All(["alpha", "beta", "a"], name => Assert.StartsWith("the law misses the runs' excess over the floor by ", id.Estimate(name)!.NotIdentified, StringComparison.Ordinal));
        // Datasets whose runs are synthetic have no trained excess to miss.
        Assert.All(report.Datasets.Where(d => d.Name != "gzipscale-0.35"), d => Assert.Null(d.Identification!.Misfit));
    }

    /// <summary>Fits every dataset to a law with negligible terms, judged identified by its narrow intervals.</summary>
    private sealed class NegligibleLaw : ILawAnalysis
    {
        private static readonly LawFit Law = new(new PcfgLab.Scaling.ChinchillaParameters(1.0, 1e-9, 1e-9, 0.5, 0.5))
        {
            Intervals =
            [
                new("E", 1, 0, 0.9, 1.1), new("A", 1e-9, 0, 0.9e-9, 1.1e-9), new("B", 1e-9, 0, 0.9e-9, 1.1e-9),
                new("alpha", 0.5, 0, 0.45, 0.55), new("beta", 0.5, 0, 0.45, 0.55), new("a", 0.5, 0, 0.45, 0.55), new("b", 0.5, 0, 0.45, 0.55),
            ],
        };

        public LawFit Fit(string dataset, IReadOnlyList<TrainingRecord> records, CancellationToken cancellationToken) => Law;

        public DatasetIdentification? Identify(string dataset, IReadOnlyList<TrainingRecord> records, double? fixedE, CancellationToken cancellationToken) =>
            new(dataset, fixedE, Law, IdentificationRules.Judge(Law, fixedE is not null, null), null);
    }

    /// <summary>An analysis that fits nothing, for the tests about reading (it does not make them fast: without fits the report's joint fit searches its whole grid).</summary>
    private sealed class NoFits : ILawAnalysis
    {
        public LawFit Fit(string dataset, IReadOnlyList<TrainingRecord> records, CancellationToken cancellationToken) =>
            throw new UserInputException("no fits in this test");
    }

    [Fact]
    public void Learning_rate_scan_records_are_not_fitted_with_the_grid()
    {
        var results = Path.Combine(_root.FullName, "scan.jsonl");
        TrainingRecordStore.Append(results, StudyReports.Record("a", "a__h8-i16-l1-a1__D1000__s0", 1000, 1000, 3));
        TrainingRecordStore.Append(results, StudyReports.Record("a", "a__h8-i16-l1-a1__D1000__s0__lr0.1", 1000, 1000, 9));
        TrainingRecordStore.Append(results, StudyReports.Record("a", "a__h8-i16-l1-a1__D2000__s0", 2000, 1000, 2.9));

        var report = Build(new StudyReportOptions { ResultsFiles = [results] });

        Assert.Equal(3, report.Records.Count);
        Assert.Equal(["a__h8-i16-l1-a1__D1000__s0", "a__h8-i16-l1-a1__D2000__s0"], Assert.Single(report.Datasets).Records.Select(r => r.CellId));
    }
}
