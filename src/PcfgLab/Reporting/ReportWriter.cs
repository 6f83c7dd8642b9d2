using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using PcfgLab.Analysis;
using PcfgLab.Scaling;
using PcfgLab.Sweeps;

namespace PcfgLab.Reporting;

/// <summary>
/// Collects run records, fits each dataset's law, regresses the parameters on gzip compressibility H, and writes
/// <c>report.md</c> with its figures (PNG and SVG under <c>figures/</c>). Every file is written under a temporary
/// name and renamed when complete; report.md comes last. The report records the tool version, its inputs, the
/// seeds, the cells without a record, and, prominently, whether any record is synthetic.
/// </summary>
public sealed class ReportWriter(ILogger logger, ILawAnalysis analysis, Func<string, int, CancellationToken, IReadOnlyList<double>?>? gzipSampler = null)
{
    /// <summary>The report's file name inside the output folder.</summary>
    public const string MarkdownFileName = "report.md";

    /// <summary>Writes the report described by <paramref name="options"/>.</summary>
    public ReportSummary Write(ReportOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Two reports into one folder would mix their figures: the second fails at once. Taking the lock removes
        // the temporary files of killed runs (the figures folder is this run's too).
        using var folderLock = Storage.OutputFolderLock.Acquire(options.OutputFolder, options.Owner);
        var staleFigures = AtomicFile.RemoveStaleTemporaryFiles(Path.Combine(options.OutputFolder, "figures"));
        var stale = folderLock.RemovedTemporaryFiles.Count + staleFigures.Files.Count;
        if (stale > 0)
        {
            logger.LogInformation("removed {Count} temporary file(s) of earlier runs ({Bytes} bytes)", stale, folderLock.RemovedTemporaryBytes + staleFigures.Bytes);
        }

        var problems = new List<string>();
        var records = TrainingRecordStore.Read(options.ResultsFiles, problems);
        var plan = options.PlanPath is { } planPath ? SweepPlanner.Read(planPath) : null;
        var recorded = records.Select(r => r.CellId).ToHashSet(StringComparer.Ordinal);
        var missing = plan?.Where(c => !recorded.Contains(c.CellId)).ToArray();
        var synthetic = records.Count(r => r.IsSynthetic);
        logger.LogInformation("{Records} run records ({Synthetic} synthetic) from {Files} file(s)", records.Count, synthetic, options.ResultsFiles.Count);

        var datasets = CollectDatasets(options, plan, records, problems, cancellationToken);
        var fitted = datasets.Where(d => d.Fit is not null).ToArray();
        var trends = Regress(fitted);
        // The study's two-step procedure (fit each dataset, regress on H) beside the joint fit of all runs at once,
        // and the three approaches' allocation exponents. At most 200 resamples: the joint fit is the report's
        // costliest step, and its intervals are stable well before that.
        var comparison = Analysis.StudyComparisons.Run(
            [.. datasets.Select(d => new Analysis.StudyDataset(d.Name, d.GzipMedian, d.Records))],
            Math.Min(options.BootstrapSamples, 200),
            (ulong)options.Seed,
            cancellationToken);

        var figuresFolder = Path.Combine(options.OutputFolder, "figures");
        var figures = new List<(string Title, string Png, string Svg)>();
        var anySynthetic = synthetic > 0;
        void Add(string title, string name, ScottPlot.Plot plot)
        {
            var (png, svg) = FigureFile.Save(plot, figuresFolder, name);
            figures.Add((title, png, svg));
        }

        if (datasets.Any(d => d.GzipMedian is not null || d.GzipSample is not null))
        {
            Add("Gzip compressibility of each dataset", "gzip-distribution", SweepFigures.GzipDistribution(datasets));
        }

        foreach (var dataset in datasets.Where(d => d.Records.Count > 0))
        {
            Add($"Loss against D for each N: {dataset.Name}", "loss-" + Slug(dataset.Name), SweepFigures.LossCurves(dataset, dataset.Records.Any(r => r.IsSynthetic)));
        }

        double referenceFlops = 0;
        if (fitted.Length > 0)
        {
            var flops = records.Select(r => 6.0 * r.Parameters * r.Tokens).ToArray();
            var low = flops.Min();
            var high = flops.Max();
            if (high <= low * 10)
            {
                low /= 10;
                high *= 10;
            }

            referenceFlops = high;
            Add("Compute-optimal model size against compute", "frontier-parameters", SweepFigures.ParameterFrontier(datasets, low, high, anySynthetic));
            Add("Compute-optimal training tokens against compute", "frontier-tokens", SweepFigures.TokenFrontier(datasets, low, high, anySynthetic));
            Add("Compute-optimal tokens per parameter against H", "tokens-per-parameter", SweepFigures.TokensPerParameter(datasets, referenceFlops, anySynthetic));
        }

        foreach (var trend in trends)
        {
            Add($"{trend.Parameter} against H", "parameter-" + trend.Parameter, SweepFigures.ParameterAgainstCompressibility(datasets, trend.Parameter, trend, anySynthetic));
        }

        var markdown = Markdown(options, records, synthetic, plan, missing, datasets, trends, referenceFlops, figures, problems, comparison);
        var markdownPath = Path.Combine(options.OutputFolder, MarkdownFileName);
        AtomicFile.WriteAllText(markdownPath, markdown);
        logger.LogInformation("wrote {Path} with {Figures} figures", markdownPath, figures.Count * 2);
        return new ReportSummary(
            markdownPath,
            records.Count,
            synthetic,
            fitted.Length,
            missing?.Length,
            figures.SelectMany(f => new[] { f.Png, f.Svg }).ToArray(),
            datasets,
            trends);
    }

    private List<DatasetResults> CollectDatasets(ReportOptions options, IReadOnlyList<PlanCell>? plan, IReadOnlyList<TrainingRecord> records, List<string> problems, CancellationToken cancellationToken)
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
            LawFit? fit = null;
            string? fitProblem = null;
            if (runs.Length == 0)
            {
                fitProblem = "no run records";
            }
            else
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

            result.Add(new DatasetResults(name, h, info?.GzipStandardDeviation, sample, runs, fit, fitProblem, info?.Floor));
        }

        return result;
    }

    private static List<ParameterTrend> Regress(IReadOnlyList<DatasetResults> fitted)
    {
        var regression = ScalingStudy.TryRegress(fitted.Select(d => (d.Name, d.GzipMedian, d.Fit!.Parameters)));
        return regression is null
            ? []
            : [.. CompressibilityRegression.ParameterNames.Select(p => regression[p]).Select((line, i) =>
                new ParameterTrend(CompressibilityRegression.ParameterNames[i], line.Intercept, line.Slope, line.PValue, line.RSquared, line.Points))];
    }

    private static string Markdown(
        ReportOptions options,
        IReadOnlyList<TrainingRecord> records,
        int synthetic,
        IReadOnlyList<PlanCell>? plan,
        IReadOnlyList<PlanCell>? missing,
        IReadOnlyList<DatasetResults> datasets,
        IReadOnlyList<ParameterTrend> trends,
        double referenceFlops,
        IReadOnlyList<(string Title, string Png, string Svg)> figures,
        IReadOnlyList<string> problems,
        Analysis.StudyComparison comparison)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.Append("# Data-dependent scaling laws: sweep report\n\n");
        if (synthetic > 0)
        {
            md.Append(inv, $"> **SYNTHETIC RESULTS.** {synthetic} of {records.Count} run records were written by `pcfglab sweep synthetic-train` (`\"device\": \"synthetic\"`): ")
              .Append("no model was trained for them. Their losses follow a made-up data-dependent law plus seeded noise; ")
              .Append("they test the pipeline and say nothing about language models. Synthetic law: ")
              .Append(SyntheticLaw.Default.Describe()).Append(".\n\n");
        }

        md.Append("## Provenance\n\n");
        md.Append(inv, $"- Tool: {ToolInfo.Name} {ToolInfo.Version}\n");
        md.Append(inv, $"- Written: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC\n");
        md.Append(inv, $"- Plan: {(options.PlanPath is null ? "none given (missing cells unknown)" : $"`{options.PlanPath}` ({plan!.Count} cells)")}\n");
        md.Append("- Results files:\n");
        foreach (var file in options.ResultsFiles)
        {
            md.Append(inv, $"  - `{file}`{(File.Exists(file) ? string.Empty : " (not found)")}\n");
        }

        md.Append(inv, $"- Run records: {records.Count} ({synthetic} synthetic, {records.Count - synthetic} from training)\n");
        var devices = records.GroupBy(r => r.Device).Select(g => $"{g.Key} ({g.Count()})");
        md.Append(inv, $"- Devices: {(records.Count == 0 ? "none" : string.Join(", ", devices))}\n");
        var versions = records.Where(r => r.TorchVersion is not null).Select(r => $"torch {r.TorchVersion}, transformers {r.TransformersVersion ?? "not used"}").Distinct().ToArray();
        if (versions.Length > 0)
        {
            md.Append(inv, $"- Training software: {string.Join("; ", versions)}\n");
        }

        var trained = records.Where(r => !r.IsSynthetic).ToArray();
        if (trained.Length > 0)
        {
            // Which settings made the runs: the paper's (study) or the small-model profile, and the precision.
            var profiles = trained.GroupBy(r => $"{r.Profile ?? "not recorded"}, {r.DType ?? "dtype not recorded"}")
                .Select(g => $"{g.Key} ({g.Count()})");
            md.Append(inv, $"- Training profiles: {string.Join("; ", profiles)} (docs/sweep.md, \"Training profiles\")\n");
        }

        md.Append(inv, $"- Bootstrap: {(options.BootstrapSamples > 0 ? $"{options.BootstrapSamples} resamples per dataset, seed {options.Seed}" : "none")}\n");
        md.Append(inv, $"- Training seeds: {(records.Count == 0 ? "none" : string.Join(", ", records.Select(r => r.Seed).Distinct().Order()))}; report seed {options.Seed}\n");
        md.Append("- Fits: L(N, D) = E + A/N^alpha + B/D^beta on the final validation loss of each dataset's runs (Huber loss on log L, L-BFGS from a grid of starts); ")
          .Append("each parameter regressed on H by least squares, p-value of the slope from a t test with n - 2 degrees of freedom.\n\n");

        md.Append("## Datasets and fits\n\n");
        var table = new MarkdownTable("dataset", "H (gzip median)", "gzip sd", "runs", "E", "A", "B", "alpha", "beta", "RMSE", "note");
        foreach (var d in datasets)
        {
            var f = d.Fit;
            table.Add(
                d.Name,
                Format(d.GzipMedian, "0.0000"),
                Format(d.GzipStandardDeviation, "0.0000"),
                d.Records.Count.ToString(inv),
                Format(f?.E, "0.0000"),
                Format(f?.A, "G5"),
                Format(f?.B, "G5"),
                Format(f?.Alpha, "0.0000"),
                Format(f?.Beta, "0.0000"),
                Format(f?.Rmse, "0.0000"),
                d.FitProblem ?? (f is { Converged: false } ? "optimiser did not converge" : string.Empty));
        }

        md.Append(table).Append('\n');
        if (datasets.Any(d => d.Fit?.Intervals is not null))
        {
            md.Append(inv, $"Bootstrap intervals ({options.BootstrapSamples} resamples of each dataset's runs, seed {options.Seed}; lower to upper):\n\n");
            var intervals = new MarkdownTable("dataset", "E", "A", "B", "alpha", "beta", "a", "b");
            foreach (var d in datasets.Where(d => d.Fit?.Intervals is not null))
            {
                string Span(string name) => d.Fit!.Interval(name) is { } i
                    ? string.Create(inv, $"{i.Lower:G4} to {i.Upper:G4}")
                    : "-";
                intervals.Add(d.Name, Span("E"), Span("A"), Span("B"), Span("alpha"), Span("beta"), Span("a"), Span("b"));
            }

            md.Append(intervals).Append('\n');
        }

        md.Append(inv, $"Chinchilla (Hoffmann et al. 2022) for reference: E = 1.69, A = 406.4, B = 410.7, alpha = 0.34, beta = 0.28.\n\n");
        FloorSection(md, datasets);

        md.Append("## Parameters against gzip compressibility\n\n");
        if (trends.Count == 0)
        {
            md.Append("Not enough fitted datasets with a known H (two or more with different H are needed).\n\n");
        }
        else
        {
            var trendTable = new MarkdownTable("parameter", "intercept", "slope per unit H", "p-value", "R²", "datasets");
            foreach (var t in trends)
            {
                trendTable.Add(t.Parameter, t.Intercept.ToString("G5", inv), t.Slope.ToString("G5", inv), SweepFigures.FormatP(t.PValue), t.RSquared.ToString("0.000", inv), t.Datasets.ToString(inv));
            }

            md.Append(trendTable).Append('\n');
        }

        if (referenceFlops > 0)
        {
            md.Append("## Compute-optimal allocation\n\n");
            md.Append(inv, $"At C = {referenceFlops:0.00e+00} FLOPs (the largest compute among the runs); N_opt ∝ C^a, D_opt ∝ C^b.\n\n");
            var allocation = new MarkdownTable("law", "H", "a = beta/(alpha+beta)", "b = alpha/(alpha+beta)", "N_opt", "D_opt", "tokens per parameter");
            foreach (var d in datasets.Where(d => d.Fit is not null))
            {
                AddAllocation(allocation, d.Name, d.GzipMedian, d.Fit!, referenceFlops);
            }

            AddAllocation(allocation, "Chinchilla", null, LawFit.Chinchilla, referenceFlops);
            md.Append(allocation).Append('\n');
        }

        AppendComparison(md, comparison);

        md.Append("## Figures\n\n");
        foreach (var (title, png, svg) in figures)
        {
            var relativePng = Path.GetRelativePath(options.OutputFolder, png).Replace('\\', '/');
            var relativeSvg = Path.GetRelativePath(options.OutputFolder, svg).Replace('\\', '/');
            md.Append(inv, $"### {title}\n\n![{title}]({relativePng})\n\n[SVG]({relativeSvg})\n\n");
        }

        md.Append("## Missing cells\n\n");
        if (missing is null)
        {
            md.Append("No plan was given, so the cells without a record are not known.\n\n");
        }
        else if (missing.Count == 0)
        {
            md.Append(inv, $"None: all {plan!.Count} planned cells have a record.\n\n");
        }
        else
        {
            var failures = new Dictionary<string, TrainingFailure>(StringComparer.Ordinal);
            foreach (var file in options.FailuresFiles)
            {
                try
                {
                    foreach (var failure in JsonLinesFile.ReadAll(file, SweepJson.Default.TrainingFailure))
                    {
                        failures[failure.CellId] = failure;
                    }
                }
                catch (InvalidDataException ex)
                {
                    md.Append(inv, $"(failures file `{file}` unreadable: {ex.Message.ReplaceLineEndings(" ")})\n\n");
                }
            }

            md.Append(inv, $"{missing.Count} of {plan!.Count} planned cells have no record ({missing.Count(c => failures.ContainsKey(c.CellId))} of them failed; see the failures files for the trainer's stderr):\n\n");
            var missingTable = new MarkdownTable("index", "cell", "N", "D", "last failure");
            foreach (var cell in missing.Take(200))
            {
                var failure = failures.TryGetValue(cell.CellId, out var f)
                    ? f.Reason + (f.StderrTail.Length > 0 ? ": " + LastLine(f.StderrTail) : string.Empty)
                    : string.Empty;
                missingTable.Add(cell.Index.ToString(inv), cell.CellId, CountFormat.Format(cell.Parameters), CountFormat.Format(cell.Tokens), failure);
            }

            md.Append(missingTable).Append('\n');
            if (missing.Count > 200)
            {
                md.Append(inv, $"... and {missing.Count - 200} more.\n\n");
            }
        }

        if (problems.Count > 0)
        {
            md.Append("## Problems while reading\n\n");
            foreach (var problem in problems)
            {
                md.Append("- ").Append(problem.ReplaceLineEndings(" ")).Append('\n');
            }

            md.Append('\n');
        }

        return md.ToString();
    }

    /// <summary>
    /// The fitted E of each dataset beside its exact loss floor, and every run's excess loss over the floor. A run from
    /// training whose loss is below the floor's 95% interval is impossible for any model: it is flagged as a bug in the
    /// pipeline (wrong data, leakage, a loss not in nats per token).
    /// </summary>
    internal static void FloorSection(StringBuilder md, IReadOnlyList<DatasetResults> datasets)
    {
        var inv = CultureInfo.InvariantCulture;
        md.Append("## Irreducible loss against the loss floor\n\n");
        var withFloor = datasets.Where(d => d.Floor is not null).ToArray();
        if (withFloor.Length == 0)
        {
            md.Append("No dataset manifest records a loss floor (datasets made before `pcfglab floor` existed, or with `--floor-docs 0`): run `pcfglab generate` again to record it.\n\n");
            return;
        }

        md.Append("The floor is the exact best loss of any model on the dataset's documents (nats per token over positions 2..L, ")
          .Append("mean over the documents measured, with its 95% interval); h is the grammar's entropy rate. The fitted E should sit at the floor.\n\n");
        var table = new MarkdownTable("dataset", "H", "floor", "floor 95%", "h", "fitted E", "E bootstrap 95%", "E - floor", "verdict");
        foreach (var d in withFloor)
        {
            var floor = d.Floor!;
            var e = d.Fit?.E;
            var interval = d.Fit?.Interval("E");
            string verdict;
            if (e is not { } fitted)
            {
                verdict = "no fit";
            }
            else if (interval is { } i)
            {
                verdict = i.Upper < floor.Lower95 ? "E below the floor (impossible for the true E)"
                    : i.Lower > floor.Upper95 ? "E above the floor"
                    : "consistent";
            }
            else
            {
                verdict = fitted < floor.Lower95 ? "E below the floor (no bootstrap)" : fitted > floor.Upper95 ? "E above the floor (no bootstrap)" : "consistent (no bootstrap)";
            }

            table.Add(
                d.Name,
                Format(d.GzipMedian, "0.0000"),
                floor.Nats.ToString("0.0000", inv),
                string.Create(inv, $"{floor.Lower95:0.0000} to {floor.Upper95:0.0000}"),
                Format(floor.EntropyRateNats, "0.0000"),
                Format(e, "0.0000"),
                interval is { } b ? string.Create(inv, $"{b.Lower:0.0000} to {b.Upper:0.0000}") : "-",
                e is { } x ? Signed(x - floor.Nats) : "-",
                verdict);
        }

        md.Append(table).Append('\n');

        var runs = withFloor.SelectMany(d => d.Records.Select(r => (Dataset: d, Run: r))).OrderBy(x => x.Dataset.Name, StringComparer.Ordinal)
            .ThenBy(x => x.Run.Parameters).ThenBy(x => x.Run.Tokens).ToArray();
        if (runs.Length == 0)
        {
            return;
        }

        var below = runs.Where(x => !x.Run.IsSynthetic && x.Dataset.Floor!.IsBelow(x.Run)).ToArray();
        md.Append(inv, $"Excess loss of each run over its dataset's floor ({runs.Length} runs; {runs.Count(x => x.Run.IsSynthetic)} synthetic). ");
        md.Append(below.Length == 0
            ? "No run from training is below the floor.\n\n"
            : string.Create(inv, $"**{below.Length} run(s) from training are below the floor beyond both estimates' 95% sampling error: no model can do that, so the pipeline has a bug (data, leakage or loss units); they are marked BELOW FLOOR.**\n\n"));
        var excess = new MarkdownTable("dataset", "N", "D", "valid loss", "floor", "excess", "note");
        foreach (var (d, r) in runs.Take(400))
        {
            var floor = d.Floor!;
            var note = r.IsSynthetic ? "synthetic" : floor.IsBelow(r) ? "BELOW FLOOR: pipeline bug" : string.Empty;
            excess.Add(
                d.Name,
                CountFormat.Format(r.Parameters),
                CountFormat.Format(r.Tokens),
                r.FinalValidLoss.ToString("0.0000", inv),
                floor.Nats.ToString("0.0000", inv),
                Signed(r.FinalValidLoss - floor.Nats),
                note);
        }

        md.Append(excess).Append('\n');
        if (runs.Length > 400)
        {
            md.Append(inv, $"... and {runs.Length - 400} more runs.\n\n");
        }
    }

    /// <summary>A signed difference to 4 decimals; one that rounds to zero reads +0.0000 (not .NET's "-+0.0000").</summary>
    internal static string Signed(double difference)
    {
        var rounded = Math.Round(difference, 4);
        return (rounded == 0 ? 0.0 : rounded).ToString("+0.0000;-0.0000", CultureInfo.InvariantCulture);
    }

    private static void AppendComparison(StringBuilder md, Analysis.StudyComparison comparison)
    {
        var inv = CultureInfo.InvariantCulture;
        md.Append("## Joint data-dependent fit beside the two-step regression\n\n");
        if (comparison.Joint is not { } joint)
        {
            md.Append(inv, $"No joint fit: {comparison.JointProblem}.\n\n");
        }
        else
        {
            var fit = joint.Fit;
            md.Append(inv, $"L(N, D, H) = E(H) + A(H)/N^alpha(H) + B(H)/D^beta(H), every parameter a line in H, fitted to all {fit.Runs} runs at once ")
              .Append(inv, $"(Huber on log loss, {fit.Starts} starts, best from {fit.BestStartKind}; RMSE {fit.Rmse:0.0000}, mean relative error {100 * fit.MeanRelativeError:0.00}%), ")
              .Append(inv, $"{joint.Analysis.Resamples} bootstrap resamples of datasets and of runs within them. The two-step columns are the table above: ")
              .Append("a slope outside the joint 95% interval is marked.\n\n");
            var table = new MarkdownTable("parameter", "joint slope", "joint 95% interval", "two-step slope", "two-step p-value", "agree");
            foreach (var row in comparison.Slopes)
            {
                table.Add(row.Name, row.JointSlope.ToString("G4", inv), Interval(row.JointLower, row.JointUpper, "G4"), double.IsNaN(row.TwoStepSlope) ? "n/a" : row.TwoStepSlope.ToString("G4", inv),
                    SweepFigures.FormatP(row.TwoStepPValue), row.Disagree ? "**no**" : "yes");
            }

            md.Append(table).Append('\n');
            var crossing = joint.Analysis.AllocationCrossing;
            md.Append(inv, $"The joint law's allocation exponent a(H) equals the reference's ({crossing.ReferenceValue:0.0000}) at H = ")
              .Append(crossing.Estimate is { } h ? h.ToString("0.000", inv) : "(nowhere in range)")
              .Append(inv, $" (95%: {Interval(crossing.Lower, crossing.Upper, "0.000")}, {crossing.ResamplesCrossing} of {joint.Analysis.Resamples} resamples cross).\n\n");
            foreach (var warning in joint.Analysis.Warnings)
            {
                md.Append("- ").Append(warning.Message).Append('\n');
            }

            if (joint.Analysis.Warnings.Count > 0)
            {
                md.Append('\n');
            }
        }

        md.Append("## Allocation exponent a (N_opt ∝ C^a) by three approaches\n\n");
        md.Append("Approach 1: lower envelope of the training curves; Approach 2: IsoFLOP minima of the final losses per compute budget; ")
          .Append("Approach 3: beta/(alpha+beta) of the dataset's Chinchilla fit. 95% bootstrap intervals; an approach that does not apply says why.\n\n");
        var allocation = new MarkdownTable("dataset", "H", "Approach 1", "Approach 2", "Approach 3");
        foreach (var row in comparison.Allocation)
        {
            allocation.Add(row.Dataset, row.Compressibility is { } h ? h.ToString("0.0000", inv) : "", Estimate(row.Approach1), Estimate(row.Approach2), Estimate(row.Approach3));
        }

        md.Append(allocation).Append('\n');

        string Estimate(Scaling.ExponentEstimate e) =>
            e.Missing is { } why ? "— (" + why + ")" : e.Value.ToString("0.000", inv) + " (" + Interval(e.Lower, e.Upper, "0.000") + ")";

        string Interval(double low, double high, string format) =>
            double.IsFinite(low) && double.IsFinite(high) ? low.ToString(format, inv) + " to " + high.ToString(format, inv) : "n/a";
    }

    private static void AddAllocation(MarkdownTable table, string name, double? h, LawFit fit, double flops)
    {
        var inv = CultureInfo.InvariantCulture;
        table.Add(
            name,
            Format(h, "0.0000"),
            (fit.Beta / (fit.Alpha + fit.Beta)).ToString("0.000", inv),
            (fit.Alpha / (fit.Alpha + fit.Beta)).ToString("0.000", inv),
            CountFormat.Format(fit.OptimalParameters(flops)),
            CountFormat.Format(fit.OptimalTokens(flops)),
            fit.TokensPerParameter(flops).ToString("0.##", inv));
    }

    private static string LastLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var last = lines.Length == 0 ? string.Empty : lines[^1];
        return last.Length > 160 ? last[..160] + "..." : last;
    }

    private static string Format(double? value, string format) =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Slug(string name) =>
        new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray());
}
