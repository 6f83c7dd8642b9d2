using Microsoft.Extensions.Logging.Abstractions;
using PcfgLab.Analysis;
using PcfgLab.Sweeps;
using PcfgLab.Tests.Sweeps;

namespace PcfgLab.Tests.TestSupport;

/// <summary>Study reports for the report tests: a synthetic sweep on disk, and small models made by hand.</summary>
internal static class StudyReports
{
    /// <summary>A 108-start grid instead of the fitter's 4500 keeps the tests fast; the fit test checks it still reproduces the law.</summary>
    public static ScalingAnalysis Coarse { get; } = new(ScalingAnalysis.CoarseGrid);

    /// <summary>
    /// The study's six datasets (manifests only), a plan of four shapes by five token budgets (with
    /// <paramref name="small"/>: two shapes by three budgets, for tests about reading, where a report without fits of
    /// its own still pays for the joint fit of every run), and synthetic records of every cell but those with
    /// index % <paramref name="skipEvery"/> == 1 (none when 0).
    /// </summary>
    public static (string Plan, string Results, IReadOnlyList<PlanCell> Cells) SyntheticSweep(string root, int skipEvery, bool small = false)
    {
        var data = Path.Combine(root, "data");
        SweepTestData.WriteStudyManifests(data, 11_000_000);
        var spec = SweepSpec.Study(data) with
        {
            Shapes = LlamaShape.Study.Take(small ? 2 : 4).ToArray(),
            Tokens = small ? [100_000, 1_000_000, 10_000_000] : [100_000, 300_000, 1_000_000, 3_000_000, 10_000_000],
        };
        var plan = Path.Combine(root, "plan.jsonl");
        var cells = SweepPlanner.Plan(spec, root);
        SweepPlanner.Write(plan, cells);
        var results = Path.Combine(root, "results.jsonl");
        var trainer = new SyntheticTrainer();
        foreach (var cell in cells.Where(c => skipEvery == 0 || c.Index % skipEvery != 1))
        {
            TrainingRecordStore.Append(results, trainer.Train(cell, DatasetInfo.Read(cell.ResolveDatasetPath(plan))));
        }

        return (plan, results, cells);
    }

    /// <summary>
    /// <see cref="SyntheticSweep"/> with every cell recorded, and its reports, built once per test run for the tests
    /// that only read them (a report costs seconds: the joint fit of every run). Never write into its folder.
    /// </summary>
    public static SharedSweep Complete { get; } = new(skipEvery: 0);

    /// <summary><see cref="SyntheticSweep"/> with cells 1, 41 and 81 missing, and its report, shared as <see cref="Complete"/>.</summary>
    public static SharedSweep Gapped { get; } = new(skipEvery: 40);

    /// <summary>A synthetic sweep on disk and its reports, each built on first use and then shared.</summary>
    public sealed class SharedSweep
    {
        /// <summary>The resamples and seed of <see cref="Bootstrapped"/>: few, as the tests check intervals' shape and seeding, not their width.</summary>
        public const int BootstrapResamples = 10;

        /// <summary>The bootstrap's seed.</summary>
        public const ulong BootstrapSeed = 7;

        private readonly Lazy<(string Plan, string Results, IReadOnlyList<PlanCell> Cells)> _sweep;
        private readonly Lazy<StudyReport> _report;
        private readonly Lazy<StudyReport> _bootstrapped;

        public SharedSweep(int skipEvery)
        {
            _sweep = new(() => SyntheticSweep(TemporaryFolder(), skipEvery));
            _report = new(() => new StudyReportBuilder(NullLogger.Instance, Coarse, jointFit: ScalingAnalysis.CoarseJointGrid).Build(Options, CancellationToken.None));
            _bootstrapped = new(() => new StudyReportBuilder(NullLogger.Instance, BootstrapAnalysis, jointFit: ScalingAnalysis.CoarseJointGrid)
                .Build(Options with { BootstrapSamples = BootstrapResamples, Seed = BootstrapSeed }, CancellationToken.None));
        }

        /// <summary>The coarse grid with the bootstrap of <see cref="Bootstrapped"/>.</summary>
        public static ScalingAnalysis BootstrapAnalysis { get; } =
            new(ScalingAnalysis.CoarseGrid, new PcfgLab.Scaling.BootstrapOptions { Resamples = BootstrapResamples, Seed = BootstrapSeed });

        public string Plan => _sweep.Value.Plan;

        public string Results => _sweep.Value.Results;

        public IReadOnlyList<PlanCell> Cells => _sweep.Value.Cells;

        /// <summary>The report's options: the results file and the plan.</summary>
        public StudyReportOptions Options => new() { ResultsFiles = [Results], PlanPath = Plan };

        /// <summary>The report of <see cref="Options"/> with the <see cref="Coarse"/> grid and no bootstrap.</summary>
        public StudyReport Report => _report.Value;

        /// <summary>The same with <see cref="BootstrapAnalysis"/> and its resamples and seed in the options.</summary>
        public StudyReport Bootstrapped => _bootstrapped.Value;

        private static string TemporaryFolder()
        {
            var root = Directory.CreateTempSubdirectory("pcfglab-shared-sweep-").FullName;
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try
                {
                    Directory.Delete(root, recursive: true);
                }
                catch (IOException)
                {
                }
            };
            return root;
        }
    }

    /// <summary>A record of dataset <paramref name="dataset"/>.</summary>
    public static TrainingRecord Record(string dataset, string cell, long parameters, long tokens, double loss, string device = "cpu") =>
        new() { CellId = cell, Dataset = dataset, Device = device, Parameters = parameters, Tokens = tokens, FinalValidLoss = loss };

    /// <summary>A model with no fit, no comparison and the given records and datasets; the rest empty.</summary>
    public static StudyReport Empty(IReadOnlyList<TrainingRecord>? records = null, IReadOnlyList<DatasetResults>? datasets = null) => new()
    {
        Created = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
        ResultsFiles = [new ResultsFileStatus("results.jsonl", true)],
        Records = records ?? [],
        Datasets = datasets ?? [],
        Trends = [],
        Comparison = new StudyComparison(null, "the joint fit needs runs of at least two datasets with different H", [], []),
    };

    /// <summary>A clock that always reads <paramref name="now"/>.</summary>
    public sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
