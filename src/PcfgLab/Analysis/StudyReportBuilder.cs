using Microsoft.Extensions.Logging;
using PcfgLab.Floor;
using PcfgLab.Generation;
using PcfgLab.Scaling;
using PcfgLab.Sweeps;

namespace PcfgLab.Analysis;

/// <summary>
/// Builds a <see cref="StudyReport"/>: reads the run records, the plan, each dataset's manifest (its H, gzip spread and
/// loss floor) and the failures files; fits each dataset by <paramref name="analysis"/>; regresses the parameters on H
/// (<see cref="ScalingStudy.TryRegress"/>); and runs <see cref="StudyComparisons.Run"/>. A file or dataset that cannot
/// be read becomes a line of <see cref="StudyReport.Problems"/>, a dataset that cannot be fitted says why: the report
/// still renders.
/// </summary>
/// <param name="logger">Progress of the fits.</param>
/// <param name="analysis">Fits one dataset's law.</param>
/// <param name="gzipSampler">Per-document gzip ratios of a dataset folder (path, documents, cancellation), or null for none.</param>
/// <param name="clock">The time recorded as <see cref="StudyReport.Created"/> (default: the system's).</param>
/// <param name="documentFloor">The floor of given documents of a dataset folder (path, document indices, cancellation):
/// the paired floor of the runs' validation documents; null for none (every run is then compared unpaired).</param>
/// <param name="jointFit">The joint data-dependent fit's grid of starts (null: its defaults, 2187 starts; <see cref="ScalingAnalysis.CoarseJointGrid"/> for quick checks).</param>
public sealed class StudyReportBuilder(
    ILogger logger,
    ILawAnalysis analysis,
    Func<string, int, CancellationToken, IReadOnlyList<double>?>? gzipSampler = null,
    TimeProvider? clock = null,
    Func<string, IReadOnlyList<long>, CancellationToken, DocumentFloor>? documentFloor = null,
    DataDependentFitOptions? jointFit = null)
{
    /// <summary>Most resamples the joint fit and the allocation approaches use: the report's costliest step, and its intervals are stable well before.</summary>
    public const int MaxComparisonResamples = 200;

    /// <summary>
    /// The builder <c>pcfglab sweep report</c> uses: each dataset fitted by <see cref="ScalingAnalysis"/> (the full
    /// grid of starts, or <see cref="ScalingAnalysis.CoarseGrid"/> and <see cref="ScalingAnalysis.CoarseJointGrid"/> when <paramref name="coarseGrid"/>), with
    /// <see cref="StudyReportOptions.BootstrapSamples"/> resamples, and the gzip histograms from
    /// <see cref="DatasetGzipSampler"/>, both seeded by <see cref="StudyReportOptions.Seed"/>.
    /// </summary>
    public static StudyReportBuilder For(ILogger logger, StudyReportOptions options, bool coarseGrid = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        var analysis = new ScalingAnalysis(
            coarseGrid ? ScalingAnalysis.CoarseGrid : new FitOptions(),
            options.BootstrapSamples > 0 ? new BootstrapOptions { Resamples = options.BootstrapSamples, Seed = options.Seed } : null);
        var seed = options.Seed;
        return new StudyReportBuilder(
            logger,
            analysis,
            (path, count, token) => DatasetGzipSampler.Sample(path, count, seed, token),
            documentFloor: (path, documents, token) => DatasetFloor.MeasureDocumentsAsync(path, documents, 1, token).GetAwaiter().GetResult(),
            jointFit: coarseGrid ? ScalingAnalysis.CoarseJointGrid : null);
    }

    /// <summary>
    /// The report <c>pcfglab sweep report</c> builds, in one call: <see cref="For"/>'s builder reading what
    /// <paramref name="options"/> names (the options given once, for both the builder's seeds and what it reads).
    /// </summary>
    public static StudyReport Build(ILogger logger, StudyReportOptions options, bool coarseGrid, CancellationToken cancellationToken) =>
        For(logger, options, coarseGrid).Build(options, cancellationToken);

    /// <summary>A manifest's H this far from its runs' (half the report's last digit, 0.0000) describes other data.</summary>
    internal const double HTolerance = 5e-5;

    /// <summary>Reads and fits what <paramref name="options"/> names.</summary>
    public StudyReport Build(StudyReportOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var created = (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        var problems = new List<string>();
        var records = TrainingRecordStore.Read(options.ResultsFiles, problems);
        foreach (var problem in problems)
        {
            // Torn lines and cells with several records are said aloud, not only in report.md.
            logger.LogWarning("{Problem}", problem);
        }

        var plan = options.PlanPath is { } planPath ? SweepPlanner.Read(planPath) : null;
        var recorded = records.Select(r => r.CellId).ToHashSet(StringComparer.Ordinal);
        var missing = plan?.Where(c => !recorded.Contains(c.CellId)).ToArray();
        logger.LogInformation("{Records} run records ({Synthetic} synthetic) from {Files} file(s)", records.Count, records.Count(r => r.IsSynthetic), options.ResultsFiles.Count);

        // Learning-rate scan cells (off the grid's rule, PlanCell.IsLearningRateScan) count as recorded but are not fitted.
        var gridRecords = records.Where(r => !PlanCell.IsLearningRateScan(r.CellId)).ToArray();
        if (gridRecords.Length < records.Count)
        {
            logger.LogInformation("{Scan} learning-rate scan records left out of the fits", records.Count - gridRecords.Length);
        }

        var datasets = CollectDatasets(options, plan, gridRecords, problems, cancellationToken);
        var fitted = datasets.Where(d => d.Fit is not null).ToArray();
        // Only datasets whose primary fit identifies both exponents enter the regression on H (IdentificationRules).
        var regression = ScalingStudy.TryRegress(datasets
            .Where(d => d.Identification is { } id && id.Estimate("alpha") is { Identified: true } && id.Estimate("beta") is { Identified: true })
            .Select(d => (d.Name, d.GzipMedian, d.Identification!.Fit.Parameters)));
        var predictors = PredictorTable.Build(datasets);
        // The iso-vocabulary series is judged when the report holds two or more of its grammars (gzipscale-0.35 alone is one).
        IReadOnlyList<PredictorFit> isoVocabulary = PredictorTable.IsoVocabularySeries(datasets).Count >= 2 ? PredictorTable.BuildIsoVocabulary(datasets) : [];
        List<ParameterTrend> trends = regression is null
            ? []
            : [.. CompressibilityRegression.ParameterNames.Select(p => regression[p]).Select((line, i) =>
                new ParameterTrend(CompressibilityRegression.ParameterNames[i], line.Intercept, line.Slope, line.PValue, line.RSquared, line.Points))];

        // The study's two-step procedure (fit each dataset, regress on H) beside the joint fit of all runs at once,
        // and the three approaches' allocation exponents.
        var comparison = StudyComparisons.Run(
            [.. datasets.Select(d => new StudyDataset(d.Name, d.GzipMedian, d.Records, d.Fit, d.Fit is null ? d.FitProblem : null))],
            Math.Min(options.BootstrapSamples, MaxComparisonResamples),
            options.Seed,
            cancellationToken,
            jointFit);
        if (comparison.Joint is { } joint)
        {
            // The joint law is judged by the rule that judges each dataset's law: on the runs' excess over the floor.
            comparison = comparison with { JointMisfits = ExcessMisfitRule.MeasureJoint(datasets, joint.Fit.Law) };
        }

        var unreadable = new List<string>();
        var missingCells = missing is null ? null : MissingCells(missing, options.FailuresFiles, unreadable);
        return new StudyReport
        {
            Created = created,
            ResultsFiles = [.. options.ResultsFiles.Select(f => new ResultsFileStatus(f, File.Exists(f)))],
            PlanPath = options.PlanPath,
            Plan = plan,
            Records = records,
            Datasets = datasets,
            Trends = trends,
            Comparison = comparison,
            Predictors = predictors,
            IsoVocabularyPredictors = isoVocabulary,
            Verdicts = StudyVerdict.Judge(predictors, isoVocabulary.Count > 0 ? isoVocabulary : null),
            Compute = fitted.Length > 0 ? ComputeRange.Of(records) : null,
            MissingCells = missingCells,
            UnreadableFailuresFiles = unreadable,
            Problems = problems,
            BootstrapSamples = options.BootstrapSamples,
            Seed = options.Seed,
        };
    }

    private List<DatasetResults> CollectDatasets(StudyReportOptions options, IReadOnlyList<PlanCell>? plan, IReadOnlyList<TrainingRecord> records, List<string> problems, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var cell in plan ?? [])
        {
            if (!paths.ContainsKey(cell.Dataset))
            {
                names.Add(cell.Dataset);
                paths[cell.Dataset] = cell.ResolveDatasetPath(options.PlanPath!);
            }
        }

        foreach (var record in records)
        {
            if (!names.Contains(record.Dataset))
            {
                names.Add(record.Dataset);
            }
        }

        var result = new List<DatasetResults>();
        foreach (var name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var runs = records.Where(r => r.Dataset == name).ToArray();
            DatasetInfo? info = null;
            IReadOnlyList<double>? sample = null;
            if (paths.TryGetValue(name, out var path))
            {
                try
                {
                    info = DatasetInfo.Read(path);
                    sample = gzipSampler?.Invoke(path, options.GzipSampleDocuments, cancellationToken);
                }
                catch (Exception ex) when (ex is UserInputException or IOException or InvalidDataException)
                {
                    problems.Add($"dataset {name}: {ex.Message}");
                }
            }

            var h = DatasetCompressibility.Choose(info?.GzipMedian, runs.Select(r => r.GzipMedian), plan?.FirstOrDefault(c => c.Dataset == name)?.GzipMedian);
            if (info?.GzipMedian is { } now && h is { } trained && Math.Abs(now - trained) >= HTolerance)
            {
                // The folder was regenerated after training (another size or seed): say so, and keep the runs' H.
                problems.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"dataset {name}: its folder now holds other data (manifest H = {now:0.0000}) than its runs were trained on (H = {trained:0.0000}); the report uses the runs' H, while the gzip spread, histogram and loss floor describe the folder's data: regenerate the data the runs were trained on"));
                logger.LogWarning("{Problem}", problems[^1]);
            }

            var validationFloor = ValidationFloor(name, path, info, runs, problems, cancellationToken);
            var shell = new DatasetResults(name, h, info?.GzipStandardDeviation, sample, runs, null, null, info?.Floor, validationFloor)
            {
                Vocabulary = info?.Vocabulary,
                GrammarSha256 = info?.GrammarSha256,
            };

            LawFit? fit = null;
            string? fitProblem = runs.Length == 0 ? "no run records" : SaturationRule.Saturated(shell);
            if (fitProblem is null)
            {
                try
                {
                    fit = analysis.Fit(name, runs, cancellationToken);
                    logger.LogInformation("{Dataset}: fitted {Runs} runs, E = {E:G4}, alpha = {Alpha:G4}, beta = {Beta:G4}", name, runs.Length, fit.E, fit.Alpha, fit.Beta);
                }
                catch (UserInputException ex)
                {
                    fitProblem = ex.Message;
                    logger.LogWarning("{Dataset}: not fitted: {Reason}", name, ex.Message);
                }
            }
            else if (runs.Length > 0)
            {
                logger.LogInformation("{Dataset}: {Reason}", name, fitProblem);
            }

            DatasetIdentification? identification = null;
            DatasetIdentification? freeCheck = null;
            if (runs.Length > 0 && fit is not null)
            {
                try
                {
                    // PCFG datasets with a recorded floor: E held at the floor is the primary fit, the free E a check.
                    // The floor is that of exactly the documents the runs were validated on, when they name them.
                    var floorE = info?.Floor is null ? (double?)null : validationFloor?.MeanNats ?? info.Floor.Nats;
                    identification = analysis.Identify(name, runs, floorE, cancellationToken);
                    freeCheck = info?.Floor is null ? null : analysis.Identify(name, runs, null, cancellationToken);

                    // A law that misses the runs' excess over the floor does not describe them (ExcessMisfitRule).
                    identification = identification is null ? null : ExcessMisfitRule.Judge(shell, identification);
                    freeCheck = freeCheck is null ? null : ExcessMisfitRule.Judge(shell, freeCheck);
                }
                catch (UserInputException ex)
                {
                    logger.LogWarning("{Dataset}: no identification fit: {Reason}", name, ex.Message);
                }
            }

            result.Add(shell with
            {
                Fit = fit,
                FitProblem = fitProblem,
                Identification = identification,
                FreeCheck = freeCheck,
            });
        }

        return result;
    }

    /// <summary>
    /// The floor of every document the dataset's runs name as validated on (their union: one measurement serves all
    /// runs), or null when no run names any, the dataset folder is unknown, or it cannot be measured (said in
    /// <paramref name="problems"/>; the report then compares those runs unpaired).
    /// </summary>
    private DocumentFloor? ValidationFloor(string name, string? path, DatasetInfo? info, IReadOnlyList<TrainingRecord> runs, List<string> problems, CancellationToken cancellationToken)
    {
        var documents = new SortedSet<long>();
        foreach (var run in runs)
        {
            if (!run.IsSynthetic && run.ValidDocumentIndices() is { } indices)
            {
                documents.UnionWith(indices);
            }
        }

        if (documents.Count == 0 || documentFloor is null || path is null || info?.Floor is null)
        {
            return null;
        }

        try
        {
            var floor = documentFloor(path, [.. documents], cancellationToken);
            logger.LogInformation("{Dataset}: floor of the {Documents} validation documents {Floor:0.0000} nats/token", name, documents.Count, floor.MeanNats);
            return floor;
        }
        catch (Exception ex) when (ex is UserInputException or IOException or InvalidDataException)
        {
            problems.Add($"dataset {name}: the floor of its runs' validation documents could not be measured ({ex.Message}); the report compares them with the manifest's floor, unpaired");
            logger.LogWarning("{Problem}", problems[^1]);
            return null;
        }
    }

    /// <summary>The missing cells with their last recorded failure; the failures files are read only when a cell is missing.</summary>
    private static MissingCell[] MissingCells(IReadOnlyList<PlanCell> missing, IReadOnlyList<string> failuresFiles, List<string> unreadable)
    {
        var failures = new Dictionary<string, TrainingFailure>(StringComparer.Ordinal);
        if (missing.Count > 0)
        {
            foreach (var file in failuresFiles)
            {
                try
                {
                    foreach (var failure in JsonLinesFile.ReadAll(file, SweepJson.Default.TrainingFailure))
                    {
                        // A hand-edited line may lack its cell: it cannot describe a missing cell.
                        if (failure.CellId is not null)
                        {
                            failures[failure.CellId] = failure;
                        }
                    }
                }
                catch (InvalidDataException ex)
                {
                    unreadable.Add($"failures file `{file}` unreadable: {ex.Message.ReplaceLineEndings(" ")}");
                }
            }
        }

        return [.. missing.Select(c => new MissingCell(c, failures.GetValueOrDefault(c.CellId)))];
    }
}
