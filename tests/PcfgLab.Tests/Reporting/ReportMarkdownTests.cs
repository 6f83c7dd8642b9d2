using PcfgLab.Analysis;
using PcfgLab.Floor;
using PcfgLab.Reporting;
using PcfgLab.Scaling;
using PcfgLab.Sweeps;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Reporting;

public sealed class ReportMarkdownTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A plan of the study's six datasets (manifests only) by one shape and <paramref name="tokens"/>.</summary>
    private IReadOnlyList<PlanCell> Plan(params long[] tokens)
    {
        var data = Path.Combine(_temp.Path, "data");
        Sweeps.SweepTestData.WriteStudyManifests(data, 11_000_000);
        return SweepPlanner.Plan(SweepSpec.Study(data) with { Shapes = [LlamaShape.Study[0]], Tokens = tokens }, _temp.Path);
    }

    private static string Render(StudyReport report, params ReportFigure[] figures) =>
        ReportMarkdown.Render(report, figures, Path.Combine(Path.GetTempPath(), "report"));

    [Fact]
    public void Provenance_names_the_time_files_plan_and_records()
    {
        var report = StudyReports.Empty([StudyReports.Record("d", "a", 1000, 1000, 3)]) with
        {
            ResultsFiles = [new ResultsFileStatus("r1.jsonl", true), new ResultsFileStatus("r2.jsonl", false)],
            BootstrapSamples = 10,
            Seed = 7,
        };

        var markdown = Render(report);

        Assert.StartsWith("# Data-dependent scaling laws: sweep report\n\n## Provenance\n\n", markdown, StringComparison.Ordinal);
        Assert.Contains($"- Tool: {ToolInfo.Name} {ToolInfo.Version}\n- Written: 2026-01-02 03:04 UTC\n- Plan: none given (missing cells unknown)\n", markdown, StringComparison.Ordinal);
        Assert.Contains("- Results files:\n  - `r1.jsonl`\n- Run records: 1 (0 synthetic, 1 from training)\n- Devices: cpu (1)\n", markdown, StringComparison.Ordinal);
        // A results file that does not exist is a missing input under its own heading, not a remark in the provenance.
        Assert.DoesNotContain("(not found)", markdown, StringComparison.Ordinal);
        Assert.Contains("\n## Missing inputs\n\n- Results file `r2.jsonl` does not exist: no run records were read from it", markdown, StringComparison.Ordinal);
        Assert.Contains("- Bootstrap: 10 resamples per dataset, seed 7\n", markdown, StringComparison.Ordinal);
        Assert.Contains("No plan was given, so the cells without a record are not known.", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("SYNTHETIC RESULTS", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("## Problems while reading", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Synthetic_records_are_announced_first()
    {
        var report = StudyReports.Empty([StudyReports.Record("d", "a", 1000, 1000, 3, TrainingRecord.SyntheticDevice), StudyReports.Record("d", "b", 1000, 1000, 3)]);

        Assert.Contains("\n\n> **SYNTHETIC RESULTS.** 1 of 2 run records were written by `pcfglab sweep synthetic-train`", Render(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Provenance_says_which_profile_and_precision_made_the_trained_runs()
    {
        var report = StudyReports.Empty(
        [
            StudyReports.Record("d", "a", 1000, 1000, 3) with { Profile = "small", DType = "bfloat16", TorchVersion = "1.13.0a0" },
            StudyReports.Record("d", "b", 2000, 1000, 2.9) with { Profile = "small", DType = "bfloat16", TorchVersion = "1.13.0a0" },
            StudyReports.Record("d", "c", 2000, 2000, 2.8, "cuda") with { Profile = "study", DType = "float32" },
        ]);

        var markdown = Render(report);

        Assert.Contains("- Training profiles: small, bfloat16 (2); study, float32 (1)", markdown, StringComparison.Ordinal);
        Assert.Contains("- Training software: torch 1.13.0a0, transformers not used", markdown, StringComparison.Ordinal);
        Assert.Contains("- Devices: cpu (2), cuda (1)", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_cells_show_their_last_failure_and_unreadable_failures_files()
    {
        var cells = Plan(1000, 2000);
        var failure = new TrainingFailure { CellId = cells[1].CellId, Reason = "exit 1", Command = "t", FailedAt = "now", StderrTail = "first\nlast | line\n" };
        var report = StudyReports.Empty() with
        {
            PlanPath = "plan.jsonl",
            Plan = cells,
            MissingCells = [new MissingCell(cells[0], null), new MissingCell(cells[1], failure)],
            UnreadableFailuresFiles = ["failures file `f.jsonl` unreadable: bad line 1"],
            Problems = ["dataset x: unreadable"],
        };

        var markdown = Render(report);

        Assert.Contains($"- Plan: `plan.jsonl` ({cells.Count} cells)", markdown, StringComparison.Ordinal);
        Assert.Contains($"(failures file `f.jsonl` unreadable: bad line 1)\n\n2 of {cells.Count} planned cells have no record (1 of them failed;", markdown, StringComparison.Ordinal);
        Assert.Contains($"| {cells[0].Dataset} | 2 | 2 | 1 | 0-1 |\n", markdown, StringComparison.Ordinal);
        Assert.Contains($"Failed cells:\n\n| index | cell | N | D | last failure |\n|---|---|---|---|---|\n| 1 | {cells[1].CellId} | {CountFormat.Format(cells[1].Parameters)} | {CountFormat.Format(cells[1].Tokens)} | exit 1: last \\| line |\n", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain($"| 0 | {cells[0].CellId} |", markdown, StringComparison.Ordinal);
        Assert.EndsWith("## Problems while reading\n\n- dataset x: unreadable\n\n", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plan_with_every_cell_recorded_says_so()
    {
        var cells = Plan(1000);
        var report = StudyReports.Empty() with { PlanPath = "plan.jsonl", Plan = cells, MissingCells = [] };

        Assert.Contains($"None: all {cells.Count} planned cells have a record.", Render(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Figures_are_linked_relative_to_the_report_folder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "report");
        var figure = new ReportFigure("Loss: d", Path.Combine(folder, "figures", "loss-d.png"), Path.Combine(folder, "figures", "loss-d.svg"));

        var markdown = ReportMarkdown.Render(StudyReports.Empty(), [figure], folder);

        Assert.Contains("### Loss: d\n\n![Loss: d](figures/loss-d.png)\n\n[SVG](figures/loss-d.svg)\n\n", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_figures_note_is_its_caption()
    {
        var folder = Path.Combine(Path.GetTempPath(), "report");
        var figure = new ReportFigure("Frontier", Path.Combine(folder, "figures", "f.png"), Path.Combine(folder, "figures", "f.svg"), "Not drawn: d (no frontier).");

        var markdown = ReportMarkdown.Render(StudyReports.Empty(), [figure], folder);

        Assert.Contains("### Frontier\n\n![Frontier](figures/f.png)\n\nNot drawn: d (no frontier).\n\n[SVG](figures/f.svg)\n\n", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_joint_law_that_misses_a_datasets_runs_is_not_identified_and_its_agreement_and_crossing_say_so()
    {
        static TrainingRecord[] Runs(double h) =>
            [.. new long[] { 1_000_000, 4_000_000, 16_000_000 }.SelectMany(n => new long[] { 10_000_000, 40_000_000, 160_000_000 }.Select(d =>
                StudyReports.Record($"h{h}", $"h{h}-{n}-{d}", n, d, 1 + h + (400 / Math.Pow(n, 0.3)) + (600 / Math.Pow(d, 0.35)))))];
        var comparison = StudyComparisons.Run([new StudyDataset("h0.2", 0.2, Runs(0.2)), new StudyDataset("h0.4", 0.4, Runs(0.4))], resamples: 0, seed: 1, jointFit: PcfgLab.Analysis.ScalingAnalysis.CoarseJointGrid);
        static JointMisfit Miss(string name, double h, double rms) => new(name, h, new ExcessMisfit(9, rms, 5, 0.01, new ExcessMiss(1_000_000, 10_000_000, 0.5, 0.4)));

        var missing = Render(StudyReports.Empty() with { Comparison = comparison with { JointMisfits = [Miss("h0.2", 0.2, 0.1), Miss("h0.4", 0.4, 0.5)] } });
        var describing = Render(StudyReports.Empty() with { Comparison = comparison with { JointMisfits = [Miss("h0.2", 0.2, 0.1), Miss("h0.4", 0.4, 0.15)] } });

        Assert.Contains("**Not identified**: at each dataset's H the joint law misses the runs' excess over the floor by more than the identification rule allows on 1 of the 2 datasets where its miss is measured (h0.4 65% against 22% allowed)", missing, StringComparison.Ordinal);
        Assert.Equal(5, missing.Split("| n/a (not identified) |").Length - 1); // every slope's "agree"
        Assert.Contains("Not identified (the joint law does not describe the runs): the joint law's allocation exponent a(H)", missing, StringComparison.Ordinal);
        Assert.Contains("At each dataset's H the joint law describes the runs' excess over the floor on every dataset where its miss is measured (2: at most 16% RMS", describing, StringComparison.Ordinal);
        Assert.DoesNotContain("n/a (not identified)", describing, StringComparison.Ordinal);
        Assert.DoesNotContain("the joint law does not describe the runs", describing, StringComparison.Ordinal);
        Assert.Contains("The joint law's allocation exponent a(H)", describing, StringComparison.Ordinal);
    }

    [Fact]
    public void Allocation_intervals_that_round_to_zero_read_0_000_not_minus_0_000()
    {
        var row = new AllocationRow("d", 0.35, new ExponentEstimate(0.647, -0.0001, 0.689), new ExponentEstimate(0.5, -0.771, 0.914), new ExponentEstimate(0.4, 0.1, 0.6, "needs two budgets"));
        var report = StudyReports.Empty() with { Comparison = new StudyComparison(null, "not enough datasets", [], [row]) };

        var markdown = Render(report);

        Assert.Contains("| d | 0.3500 | 0.647 (0.000 to 0.689) | 0.500 (-0.771 to 0.914) | — (needs two budgets) |", markdown, StringComparison.Ordinal);
        Assert.Contains("No joint fit: not enough datasets.", markdown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-0.0004, "0.000", "0.000")]
    [InlineData(-0.0, "0.000", "0.000")]
    [InlineData(-0.0006, "0.000", "-0.001")]
    [InlineData(-0.0, "G4", "0")]
    [InlineData(-12.5, "G4", "-12.5")]
    [InlineData(0.25, "0.000", "0.250")]
    public void Numbers_never_read_minus_zero(double value, string format, string expected) =>
        Assert.Equal(expected, ReportMarkdown.Number(value, format));

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
            ? new LawFit(new ChinchillaParameters(e, 100, 100, 0.3, 0.3))
            {
                Intervals = eInterval is { } i ? [new ParameterInterval("E", e, 0.01, i.Lower, i.Upper)] : null,
            }
            : null;
        return new DatasetResults(name, 0.3, 0.01, null, records, fit, fit is null ? "no fit" : null, new DatasetFloorInfo(floor, floor - 0.01, floor + 0.01, floor - 0.02, 0.2, 0.19));
    }

    [Fact]
    public void Floor_section_compares_E_with_the_floor_and_flags_real_runs_below_it()
    {
        var md = new System.Text.StringBuilder();
        ReportMarkdown.FloorSection(md,
        [
            FloorDataset("ok", 1.0, 1.005, (0.98, 1.03), (1.5, false), (1.2, false)),
            FloorDataset("bug", 1.0, 0.9, (0.85, 0.95), (0.95, false), (0.985, true)),
            FloorDataset("high", 1.0, 1.2, null, (1.3, false)),
        ]);
        var text = md.ToString();
        var lines = text.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("| ok ", StringComparison.Ordinal) && l.Contains("| consistent |", StringComparison.Ordinal) && l.Contains("+0.0050", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("| bug ", StringComparison.Ordinal) && l.Contains("E below the floor", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("| high ", StringComparison.Ordinal) && l.Contains("| n/a |", StringComparison.Ordinal) && l.Contains("E above the floor (point estimate: no interval)", StringComparison.Ordinal));

        // The real run at 0.95 is below the floor's interval [0.99, 1.01]; the synthetic one at 0.985 is labelled, not flagged.
        Assert.Contains("**1 run(s) from training are below the floor", text, StringComparison.Ordinal);
        Assert.Single(lines, l => l.Contains("BELOW FLOOR: pipeline bug", StringComparison.Ordinal) && l.Contains("0.9500", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("0.9850", StringComparison.Ordinal) && l.EndsWith("| synthetic |", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("| 1.5000 | 1.0000 | +0.5000 |", StringComparison.Ordinal));
    }

    [Fact]
    public void Runs_under_the_floors_point_estimate_but_within_error_are_counted_and_marked_not_hidden()
    {
        // Floor 1.0 with a 95% interval of +-0.01: a real run at 0.995 is under the point estimate but within error.
        var md = new System.Text.StringBuilder();
        ReportMarkdown.FloorSection(md, [FloorDataset("a", 1.0, 1.0, null, (0.995, false), (1.2, false), (0.997, true))]);
        var text = md.ToString();
        Assert.Contains("No run from training is below the floor beyond both estimates' 95% sampling error (the floor's and the run's validation loss's). 1 run(s) are below the floor's point estimate by less than that error (marked \"within error\")", text, StringComparison.Ordinal);
        var lines = text.Split('\n');
        Assert.Single(lines, l => l.EndsWith("| -0.0050 | within error |", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("| +0.2000 |  |", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("| -0.0030 | synthetic |", StringComparison.Ordinal));
    }

    [Fact]
    public void Runs_that_name_their_validation_documents_are_compared_with_those_documents_floor_paired()
    {
        // Manifest floor 1.0 +- 0.01; the floor of documents 10..13 is 0.5, 1.5, 1.0, 2.0 (mean 1.25).
        double[] floorLosses = [0.5, 1.5, 1.0, 2.0];
        TrainingRecord Paired(string id, double sign) => new()
        {
            CellId = id, Dataset = "a", Device = "cpu", Parameters = id == "above" ? 1000 : 2000, Tokens = 5000,
            FinalValidLoss = 1.25 + (sign * 0.025),
            ValidDocumentRanges = [[10, 14]],
            ValidDocumentLosses = [.. floorLosses.Select((f, i) => (double?)(f + (sign * (i % 2 == 0 ? 0.02 : 0.03))))],
        };
        var runs = new[]
        {
            Paired("above", 1),
            Paired("below", -1), // 1.225: above the manifest's floor, but 0.025 below the floor of its own documents
            new TrainingRecord { CellId = "old", Dataset = "a", Device = "cpu", Parameters = 3000, Tokens = 5000, FinalValidLoss = 0.995 },
        };
        var floor = new DocumentFloor([10, 11, 12, 13], floorLosses, 1.25, 0.3);
        var dataset = new DatasetResults("a", 0.3, 0.01, null, runs, null, "no fit", new DatasetFloorInfo(1.0, 0.99, 1.01, 0.98, 0.2, 0.19), floor);

        var md = new System.Text.StringBuilder();
        ReportMarkdown.FloorSection(md, [dataset]);
        var text = md.ToString();
        var lines = text.Split('\n');

        // Differences 0.02, 0.03, 0.02, 0.03: mean 0.025, sd 0.005774, standard error 0.002887.
        Assert.Contains("| a | 1k | 5k | 1.2750 | 1.2500 | +0.0250 ± 0.0029 |  |", lines);
        Assert.Contains("| a | 2k | 5k | 1.2250 | 1.2500 | -0.0250 ± 0.0029 | BELOW FLOOR: pipeline bug |", lines);
        Assert.Contains("| a | 3k | 5k | 0.9950 | 1.0000 | -0.0050 | within error, unpaired |", lines);
        Assert.Contains("2 run(s) record their validation documents: their floor is measured on exactly those documents and their excess is paired", text, StringComparison.Ordinal);
        Assert.Contains("1 run(s) do not record their validation documents (older records): their excess is unpaired", text, StringComparison.Ordinal);
        Assert.Contains("**1 run(s) from training are below the floor beyond the 95% sampling error (paired: the differences'; unpaired: both estimates')", text, StringComparison.Ordinal);
        Assert.Equal(0.025, dataset.PairedExcessOf(runs[0])!.Mean, 12);
        Assert.Null(dataset.PairedExcessOf(runs[2]));
    }

    [Fact]
    public void Without_validation_documents_every_run_is_compared_unpaired_and_the_section_says_so()
    {
        var md = new System.Text.StringBuilder();
        ReportMarkdown.FloorSection(md, [FloorDataset("a", 1.0, 1.0, null, (1.2, false))]);
        var text = md.ToString();

        Assert.Contains("The runs do not record their validation documents (older records): their excess is unpaired, against the manifest's floor, which is measured on other documents (training documents) than their validation documents. No run from training", text, StringComparison.Ordinal);
        Assert.DoesNotContain("±", text, StringComparison.Ordinal);
        Assert.DoesNotContain("unpaired |", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_whose_documents_the_floor_lacks_falls_back_to_unpaired()
    {
        var run = new TrainingRecord
        {
            CellId = "c", Dataset = "a", Device = "cpu", Parameters = 1000, Tokens = 5000, FinalValidLoss = 1.2,
            ValidDocumentRanges = [[10, 12]], ValidDocumentLosses = [1.1, 1.3],
        };
        var dataset = new DatasetResults("a", 0.3, 0.01, null, [run], null, "no fit", new DatasetFloorInfo(1.0, 0.99, 1.01, null, null, null), new DocumentFloor([10], [1.0], 1.0, double.NaN));

        Assert.Null(dataset.PairedExcessOf(run));
    }

    [Fact]
    public void Without_a_bootstrap_the_floor_section_says_so_once_not_in_every_verdict()
    {
        var md = new System.Text.StringBuilder();
        ReportMarkdown.FloorSection(md, [FloorDataset("a", 1.0, 0.9, null, (1.5, false)), FloorDataset("b", 1.0, 1.0, null, (1.5, false))]);
        var text = md.ToString();

        Assert.Single(text.Split("No bootstrap was run", StringSplitOptions.None).Skip(1));
        Assert.DoesNotContain("(no bootstrap)", text, StringComparison.Ordinal);
        Assert.Contains("| -0.1000 | E below the floor |\n", text, StringComparison.Ordinal);
        Assert.Contains("| n/a | +0.0000 | consistent |\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.9e-27, "0.0000", "1.9E-27")]
    [InlineData(-3e-5, "0.0000", "-3.0E-05")]
    [InlineData(0.0, "0.0000", "0.0000")]
    [InlineData(0.4898, "0.0000", "0.4898")]
    [InlineData(double.NaN, "0.0000", "-")]
    public void Small_numbers_are_written_in_scientific_notation_not_as_zero(double value, string format, string expected) =>
        Assert.Equal(expected, ReportMarkdown.Format(value, format));

    [Fact]
    public void A_fit_at_a_bound_or_without_a_frontier_says_so_and_no_cell_reads_NaN()
    {
        // gzipscale-0.11 of the committed CPU grid: E ran to its bound 0 and alpha < 0 (no compute-optimal frontier).
        var records = new[] { StudyReports.Record("d", "a", 1000, 100_000, 0.51), StudyReports.Record("d", "b", 8000, 3_000_000, 0.49) };
        var fit = new LawFit(new ChinchillaParameters(1.9e-27, 4.2023e-6, 2.9122e11, -0.4427, 2.6172))
        {
            Intervals = [new ParameterInterval("A", 1, 0, 5.552e9, double.NaN), new ParameterInterval("E", 0, 0, 1e-13, 0.49)],
        };
        var dataset = new DatasetResults("d", 0.1133, 0.0039, null, records, fit, null);
        var report = StudyReports.Empty(records, [dataset]) with { Compute = ComputeRange.Of(records), BootstrapSamples = 10 };

        var markdown = Render(report);

        Assert.Contains("| d | 0.1133 | 0.0039 | 2 | 1.9E-27 | 4.2023E-06 | 2.9122E+11 | -0.4427 | 2.6172 | - | E at its bound 0: the fit puts the whole loss in the power terms; no compute-optimal frontier: alpha = -0.4427 is not positive (the fitted loss does not fall with N) |", markdown, StringComparison.Ordinal);
        Assert.Contains("| d | 1E-13 to 0.49 | 5.552E+09 to n/a | n/a |", markdown, StringComparison.Ordinal);
        Assert.Contains("| d | 0.1133 | — | — | — | — | — | no compute-optimal frontier: alpha = -0.4427 is not positive (the fitted loss does not fall with N); a not identified (Identification): not a finding |", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Agree_is_never_yes_without_an_interval()
    {
        Assert.Equal("n/a", ReportMarkdown.Agree(new SlopeComparison("E", -0.95, double.NaN, double.NaN, -1.468, 0.233, false)));
        Assert.Equal("n/a", ReportMarkdown.Agree(new SlopeComparison("A", 1, 0, 2, double.NaN, 0.5, false)));
        Assert.Equal("yes", ReportMarkdown.Agree(new SlopeComparison("E", -0.95, -4.4, 0, -1.468, 0.233, false)));
        Assert.Equal("**no**", ReportMarkdown.Agree(new SlopeComparison("beta", 0.2, -0.8, 0.8, -3.7, 0.005, true)));
    }

    [Fact]
    [Trait("Speed", "slow")]
    public void A_report_without_a_bootstrap_says_so_once_and_agrees_with_nothing()
    {
        // Three datasets whose E and alpha are lines in H: a joint fit and a two-step regression, no bootstrap.
        static IReadOnlyList<TrainingRecord> Runs(double h) =>
        [
            .. from n in new long[] { 1_000_000, 2_000_000, 4_000_000, 8_000_000 }
               from d in new long[] { 10_000_000, 20_000_000, 40_000_000, 80_000_000 }
               select StudyReports.Record($"h{h}", $"h{h}-{n}-{d}", n, d, 1.0 + (2.0 * h) + (400 / Math.Pow(n, 0.3 + (0.2 * h))) + (600 / Math.Pow(d, 0.35))),
        ];
        var datasets = new[] { 0.2, 0.4, 0.6 }.Select(h => new DatasetResults($"h{h}", h, null, null, Runs(h), null, "not fitted here")).ToArray();
        var comparison = StudyComparisons.Run([.. datasets.Select(d => new StudyDataset(d.Name, d.GzipMedian, d.Records))], resamples: 0, seed: 1);
        var report = StudyReports.Empty([.. datasets.SelectMany(d => d.Records)], datasets) with { Comparison = comparison };

        var markdown = Render(report);

        var agreeRows = markdown.Split('\n').SkipWhile(l => !l.StartsWith("| parameter | joint slope", StringComparison.Ordinal)).Skip(2).TakeWhile(l => l.StartsWith('|')).ToArray();
        Assert.Equal(5, agreeRows.Length);
        Assert.All(agreeRows, row => Assert.EndsWith(" | n/a |", row, StringComparison.Ordinal));
        Assert.All(agreeRows, row => Assert.Equal("n/a", row.Split(" | ")[2]));
        Assert.Contains("- Bootstrap: none (`--bootstrap 0`): no interval in this report", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("(no bootstrap)", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("0 of 0 resamples", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", markdown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new int[] { }, "")]
    [InlineData(new[] { 3 }, "3")]
    [InlineData(new[] { 5, 0, 1, 2, 7, 8 }, "0-2, 5, 7-8")]
    public void Missing_cell_indices_read_as_ranges(int[] indices, string expected) =>
        Assert.Equal(expected, ReportMarkdown.Ranges(indices));

    [Fact]
    public void Floor_section_says_when_no_manifest_records_a_floor()
    {
        var md = new System.Text.StringBuilder();
        ReportMarkdown.FloorSection(md, [new DatasetResults("old", 0.3, 0.01, null, [], null, "no run records")]);
        Assert.Contains("No dataset manifest records a loss floor", md.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-0.00001, "+0.0000")]
    [InlineData(0.0, "+0.0000")]
    [InlineData(0.01234, "+0.0123")]
    [InlineData(-0.0010, "-0.0010")]
    public void Signed_differences_read_cleanly_around_zero(double value, string expected) =>
        Assert.Equal(expected, ReportMarkdown.Signed(value));
}
