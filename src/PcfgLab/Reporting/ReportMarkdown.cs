using System.Globalization;
using System.Text;
using PcfgLab.Analysis;
using PcfgLab.Scaling;
using PcfgLab.Sweeps;

namespace PcfgLab.Reporting;

/// <summary>
/// The Markdown renderer of a <see cref="StudyReport"/>: report.md's provenance, the fits, their intervals, the loss
/// floor, the parameters against H, the compute-optimal allocation, the joint fit and the three approaches, the
/// figures (already written by <see cref="ReportFigures"/>), the missing cells and the problems met while reading. It
/// reads no file and fits nothing; every table is a <see cref="MarkdownTable"/>.
/// </summary>
internal static class ReportMarkdown
{
    /// <summary>The report as Markdown; figure links are relative to <paramref name="outputFolder"/>, where report.md goes.</summary>
    public static string Render(StudyReport report, IReadOnlyList<ReportFigure> figures, string outputFolder)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(figures);
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.Append("# Data-dependent scaling laws: sweep report\n\n");
        if (report.SyntheticRecords is > 0 and var synthetic)
        {
            md.Append(inv, $"> **SYNTHETIC RESULTS.** {synthetic} of {report.Records.Count} run records were written by `pcfglab sweep synthetic-train` (`\"device\": \"synthetic\"`): ")
              .Append("no model was trained for them. Their losses follow a made-up data-dependent law plus seeded noise; ")
              .Append("they test the pipeline and say nothing about language models. Synthetic law: ")
              .Append(SyntheticLaw.Default.Describe()).Append(".\n\n");
        }

        md.Append("## Provenance\n\n");
        md.Append(inv, $"- Tool: {ToolInfo.Name} {ToolInfo.Version}\n");
        md.Append(inv, $"- Written: {report.Created:yyyy-MM-dd HH:mm} UTC\n");
        md.Append(inv, $"- Plan: {(report.PlanPath is null ? "none given (missing cells unknown)" : $"`{report.PlanPath}` ({report.Plan!.Count} cells)")}\n");
        var found = report.ResultsFiles.Where(f => f.Found).ToArray();
        md.Append(found.Length == 0 ? "- Results files: none found (see Missing inputs)\n" : "- Results files:\n");
        foreach (var file in found)
        {
            md.Append(inv, $"  - `{file.Path}`\n");
        }

        var records = report.Records;
        var syntheticRecords = report.SyntheticRecords;
        md.Append(inv, $"- Run records: {records.Count} ({syntheticRecords} synthetic, {records.Count - syntheticRecords} from training)\n");
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

        md.Append(inv, $"- Bootstrap: {(report.BootstrapSamples > 0 ? $"{report.BootstrapSamples} resamples per dataset, seed {report.Seed}" : NoBootstrap)}\n");
        md.Append(inv, $"- Training seeds: {(records.Count == 0 ? "none" : string.Join(", ", records.Select(r => r.Seed).Distinct().Order()))}; report seed {report.Seed}\n");
        md.Append("- Fits: L(N, D) = E + A/N^alpha + B/D^beta on the final validation loss of each dataset's runs (Huber loss on log L, L-BFGS from a grid of starts); ")
          .Append("each parameter regressed on H by least squares, p-value of the slope from a t test with n - 2 degrees of freedom.\n\n");

        var absent = report.ResultsFiles.Where(f => !f.Found).ToArray();
        if (absent.Length > 0)
        {
            // Said under its own heading, not as a remark in the provenance: an input named to the report that does not exist.
            md.Append("## Missing inputs\n\n");
            foreach (var file in absent)
            {
                md.Append(inv, $"- Results file `{file.Path}` does not exist: no run records were read from it (a trainer writes it; nothing has trained into it yet, or the path is wrong).\n");
            }

            md.Append('\n');
        }

        VerdictSection(md, report);
        md.Append("## Datasets and fits\n\n");
        var table = new MarkdownTable("dataset", "H (gzip median)", "gzip sd", "runs", "E", "A", "B", "alpha", "beta", "RMSE", "note");
        foreach (var d in report.Datasets)
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
                d.FitProblem ?? FitNotes(f));
        }

        md.Append(table).Append('\n');
        if (report.Datasets.Any(d => d.Fit?.Intervals is not null))
        {
            md.Append(inv, $"Bootstrap intervals ({report.BootstrapSamples} resamples of each dataset's runs, seed {report.Seed}; lower to upper):\n\n");
            var intervals = new MarkdownTable("dataset", "E", "A", "B", "alpha", "beta", "a", "b");
            foreach (var d in report.Datasets.Where(d => d.Fit?.Intervals is not null))
            {
                string Span(string name) => d.Fit!.Interval(name) is { } i ? Interval(i.Lower, i.Upper, "G4") : "n/a";
                intervals.Add(d.Name, Span("E"), Span("A"), Span("B"), Span("alpha"), Span("beta"), Span("a"), Span("b"));
            }

            md.Append(intervals).Append('\n');
        }

        md.Append(inv, $"Chinchilla (Hoffmann et al. 2022) for reference: E = 1.69, A = 406.4, B = 410.7, alpha = 0.34, beta = 0.28.\n\n");
        IdentificationSection(md, report);
        FloorSection(md, report.Datasets);

        md.Append("## Parameters against gzip compressibility\n\n");
        md.Append("Only datasets whose primary fit identifies both alpha and beta (rule under \"Identification\") are regressed; the p-value is a t test over point estimates, kept for comparison: the trends' intervals from resampling the two-step procedure are in \"Predictors side by side\".\n\n");
        if (report.Trends.Count == 0)
        {
            md.Append("Not regressed: fewer than two datasets of different H whose primary fit identifies both exponents.\n\n");
        }
        else
        {
            var trendTable = new MarkdownTable("parameter", "intercept", "slope per unit H", "p-value", "R²", "datasets");
            foreach (var t in report.Trends)
            {
                trendTable.Add(t.Parameter, t.Intercept.ToString("G5", inv), t.Slope.ToString("G5", inv), SweepFigures.FormatP(t.PValue), t.RSquared.ToString("0.000", inv), t.Datasets.ToString(inv));
            }

            md.Append(trendTable).Append('\n');
        }

        PredictorSection(md, report);

        if (report.ReferenceFlops is > 0 and var referenceFlops)
        {
            md.Append("## Compute-optimal allocation\n\n");
            md.Append(inv, $"At C = {referenceFlops:0.00e+00} FLOPs (the largest compute among the runs); N_opt ∝ C^a, D_opt ∝ C^b.\n\n");
            var allocation = new MarkdownTable("law", "H", "a = beta/(alpha+beta)", "b = alpha/(alpha+beta)", "N_opt", "D_opt", "tokens per parameter", "note");
            foreach (var d in report.Datasets.Where(d => d.Fit is not null))
            {
                // The free fit's frontier, marked where the primary fit does not identify a (IdentificationRules, ExcessMisfitRule).
                var unidentified = d.Identification?.Estimate("a") is { Identified: true } ? "" : "a not identified (Identification): not a finding";
                AddAllocation(allocation, d.Name, d.GzipMedian, d.Fit!, referenceFlops, unidentified);
            }

            AddAllocation(allocation, "Chinchilla", null, LawFit.Chinchilla, referenceFlops);
            md.Append(allocation).Append('\n');
        }

        AppendComparison(md, report.Comparison);

        md.Append("## Figures\n\n");
        foreach (var (title, png, svg, note) in figures)
        {
            var relativePng = Path.GetRelativePath(outputFolder, png).Replace('\\', '/');
            var relativeSvg = Path.GetRelativePath(outputFolder, svg).Replace('\\', '/');
            md.Append(inv, $"### {title}\n\n![{title}]({relativePng})\n\n");
            if (note is not null)
            {
                md.Append(note).Append("\n\n");
            }

            md.Append(inv, $"[SVG]({relativeSvg})\n\n");
        }

        md.Append("## Missing cells\n\n");
        if (report.MissingCells is not { } missing)
        {
            md.Append("No plan was given, so the cells without a record are not known.\n\n");
        }
        else if (missing.Count == 0)
        {
            md.Append(inv, $"None: all {report.Plan!.Count} planned cells have a record.\n\n");
        }
        else
        {
            foreach (var unreadable in report.UnreadableFailuresFiles)
            {
                md.Append(inv, $"({unreadable})\n\n");
            }

            var failed = missing.Where(c => c.LastFailure is not null).ToArray();
            md.Append(inv, $"{missing.Count} of {report.Plan!.Count} planned cells have no record ({failed.Length} of them failed; see the failures files for the trainer's stderr). ")
              .Append("By dataset, with the plan's cell indices:\n\n");
            var summary = new MarkdownTable("dataset", "planned", "missing", "failed", "missing cells (plan indices)");
            foreach (var group in missing.GroupBy(c => c.Cell.Dataset, StringComparer.Ordinal))
            {
                summary.Add(
                    group.Key,
                    report.Plan.Count(c => c.Dataset == group.Key).ToString(inv),
                    group.Count().ToString(inv),
                    group.Count(c => c.LastFailure is not null).ToString(inv),
                    Ranges(group.Select(c => c.Cell.Index)));
            }

            md.Append(summary).Append('\n');
            if (failed.Length > 0)
            {
                // Only the failed cells are listed one by one: a cell nothing has trained yet has nothing to say.
                md.Append("Failed cells:\n\n");
                var failures = new MarkdownTable("index", "cell", "N", "D", "last failure");
                foreach (var (cell, f) in failed.Take(MaxFailedCellsListed))
                {
                    failures.Add(cell.Index.ToString(inv), cell.CellId, CountFormat.Format(cell.Parameters), CountFormat.Format(cell.Tokens),
                        f!.Reason + (f.StderrTail.Length > 0 ? ": " + LastLine(f.StderrTail) : string.Empty));
                }

                md.Append(failures).Append('\n');
                if (failed.Length > MaxFailedCellsListed)
                {
                    md.Append(inv, $"... and {failed.Length - MaxFailedCellsListed} more failed cells.\n\n");
                }
            }
        }

        if (report.Problems.Count > 0)
        {
            md.Append("## Problems while reading\n\n");
            foreach (var problem in report.Problems)
            {
                md.Append("- ").Append(problem.ReplaceLineEndings(" ")).Append('\n');
            }

            md.Append('\n');
        }

        return md.ToString();
    }

    /// <summary>The study's claims, each judged by <see cref="StudyVerdict"/>'s stated rules, with the figures that decide it.</summary>
    internal static void VerdictSection(StringBuilder md, StudyReport report)
    {
        md.Append("## Verdict\n\n");
        if (report.Verdicts.Count == 0)
        {
            md.Append("No verdict: no dataset was fitted.\n\n");
            return;
        }

        var table = new MarkdownTable("claim", "verdict", "evidence", "figures");
        foreach (var v in report.Verdicts)
        {
            table.Add(v.Claim, $"**{v.Verdict}**", v.Evidence, string.Join(", ", v.Figures.Select(f => $"[{f}](figures/{f}.png)")));
        }

        md.Append(table).Append('\n');
        if (ExcessMisfitRule.Summary(report.Datasets) is { } misfit)
        {
            md.Append(misfit).Append("\n\n");
        }

        md.Append("Rules: ").Append(StudyVerdict.Rules).Append("\n\n");
    }

    /// <summary>Each dataset's primary fit (E at the floor where recorded) and the free-E check, every parameter judged by <see cref="IdentificationRules"/>.</summary>
    internal static void IdentificationSection(StringBuilder md, StudyReport report)
    {
        md.Append("## Identification\n\n");
        md.Append("For PCFG datasets with a recorded loss floor the primary fit holds E at the floor (`fit --fix-e`): the floor of exactly the documents the runs were validated on where the records name them, else the manifest's; the free-E fit beside it is a check. ")
          .Append(SaturationRule.Rule).Append(' ')
          .Append(IdentificationRules.Rule).Append(' ')
          .Append(ExcessMisfitRule.Rule).Append(" Values are point estimates with their 95% bootstrap interval")
          .Append(report.BootstrapSamples > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({report.BootstrapSamples} resamples of each dataset's runs).\n\n") : ".\n\n");
        var table = new MarkdownTable("dataset", "fit", "E", "alpha", "beta", "a = beta/(alpha+beta)", "RMSE", "excess miss (runs' own error; seed to seed)");
        var any = false;
        foreach (var d in report.Datasets)
        {
            foreach (var (label, id) in new[] { ("E at floor (primary)", d.FreeCheck is null ? null : d.Identification), ("free E" + (d.FreeCheck is null ? " (primary: no floor)" : " (check)"), d.FreeCheck ?? (d.Floor is null ? d.Identification : null)) })
            {
                if (id is null)
                {
                    continue;
                }

                any = true;
                table.Add(d.Name, label, Estimate(id.Estimate("E")), Estimate(id.Estimate("alpha")), Estimate(id.Estimate("beta")), Estimate(id.Estimate("a")), Format(id.Fit.Rmse, "0.0000"), Miss(id.Misfit));
            }

            if (d.Identification is null && d.Records.Count > 0)
            {
                table.Add(d.Name, "-", "not identified (" + (d.FitProblem ?? "no identification fit") + ")", "-", "-", "-", "-", "-");
            }
        }

        if (!any && report.Datasets.All(d => d.Records.Count == 0))
        {
            md.Append("No dataset has run records.\n\n");
            return;
        }

        md.Append(table).Append('\n');
        var identified = report.Datasets.Count(d => d.Identification?.Estimates.Any(e => e.Identified) == true);
        md.Append(CultureInfo.InvariantCulture, $"Datasets whose primary fit identifies at least one parameter: {identified} of {report.Datasets.Count(d => d.Records.Count > 0)}.\n\n");
    }

    /// <summary>The law's typical miss of the runs' excess over the floor and the runs' own error, or "-" when not measured; never NaN.</summary>
    internal static string Miss(ExcessMisfit? misfit) =>
        misfit is null ? "-"
        : string.Create(CultureInfo.InvariantCulture, $"{misfit.TypicalMiss:0%} over {misfit.Runs} runs, {misfit.RunsAbove} above ({(double.IsFinite(misfit.MedianRelativeError) ? misfit.MedianRelativeError.ToString("0.#%", CultureInfo.InvariantCulture) : "not recorded")}{(misfit.SeedSpread is { } seeds ? string.Create(CultureInfo.InvariantCulture, $"; seeds {seeds.Typical:0.#%} over {seeds.Pairs} pairs") : "")})");

    /// <summary>A judged estimate: the value and its interval, or "not identified (why)"; never NaN.</summary>
    internal static string Estimate(ParameterEstimate? e)
    {
        if (e is null)
        {
            return "-";
        }

        if (e.FixedAtFloor)
        {
            return Format(e.Value, "0.0000") + " (fixed: floor)";
        }

        var interval = e.Lower is { } l && e.Upper is { } u && double.IsFinite(l) && double.IsFinite(u) ? $" [{Format(l, "G3")}, {Format(u, "G3")}]" : string.Empty;
        return e.NotIdentified is { } why
            ? $"not identified ({why}; estimate {Format(e.Value, "G4", "not finite")})"
            : Format(e.Value, "0.0000") + interval;
    }

    /// <summary>Every identified parameter against every candidate predictor, or why none is regressed.</summary>
    internal static void PredictorSection(StringBuilder md, StudyReport report)
    {
        md.Append("## Predictors side by side\n\n");
        var fitted = report.Predictors.Where(p => p.NotFitted is null).ToArray();
        if (fitted.Length == 0)
        {
            md.Append(CultureInfo.InvariantCulture, $"No parameter is identified on {IdentificationRules.MinDatasets} or more datasets with a known predictor, so no predictor is fitted (fitting unidentified estimates would fit noise). Identified datasets per parameter: ")
              .Append(string.Join(", ", PredictorTable.Parameters.Select(p => $"{p} {report.Datasets.Count(d => d.Identification?.Estimate(p)?.Identified == true)}")))
              .Append(".\n\n");
            IsoVocabularyTable(md, report);
            return;
        }

        md.Append("Each identified parameter regressed on each candidate predictor (gzip H; ln V, V the vocabulary; h, the grammar's entropy rate in nats per token; h/ln V; the loss floor) over the datasets where it is identified. ")
          .Append("The slope's 95% interval comes from resampling the whole two-step procedure (each dataset's runs resampled, refitted, regressed; resample r of every dataset together); LOO RMSE predicts each dataset's parameter from the line through the others.\n\n");
        var table = new MarkdownTable("parameter", "predictor", "datasets", "slope", "95% interval", "R²", "LOO RMSE", "note");
        foreach (var p in report.Predictors)
        {
            table.Add(p.Parameter, p.Predictor, p.Datasets.ToString(CultureInfo.InvariantCulture), Format(p.Slope, "G4"),
                p.Lower is { } l && p.Upper is { } u ? Interval(l, u, "G4") : "n/a", Format(p.RSquared, "0.000"), Format(p.LeaveOneOutRmse, "G4"), p.NotFitted ?? string.Empty);
        }

        md.Append(table).Append('\n');
        foreach (var parameter in PredictorTable.Parameters)
        {
            var best = fitted.Where(p => p.Parameter == parameter && p.LeaveOneOutRmse is not null).OrderBy(p => p.LeaveOneOutRmse).FirstOrDefault();
            if (best is not null)
            {
                md.Append(CultureInfo.InvariantCulture, $"Best predictor of {parameter} (lowest leave-one-dataset-out error): {best.Predictor} (LOO RMSE {Format(best.LeaveOneOutRmse, "G4")}, R² {Format(best.RSquared, "0.000")}).\n\n");
            }
        }

        IsoVocabularyTable(md, report);
    }

    /// <summary>The direct test of the study's claim: the exponents against H where the vocabulary does not vary.</summary>
    internal static void IsoVocabularyTable(StringBuilder md, StudyReport report)
    {
        var series = PredictorTable.IsoVocabularySeries(report.Datasets);
        if (series.Count == 0 || report.IsoVocabularyPredictors.Count == 0)
        {
            return;
        }

        md.Append("### Within the iso-vocabulary series\n\n")
          .Append(CultureInfo.InvariantCulture, $"The iso-vocabulary presets hold V at 300 terminals while the grammar grows, so H varies at fixed V: the direct test of whether gzip, not the vocabulary, moves the exponents. Datasets of the series here: {string.Join(", ", series.Select(d => d.Name))}.\n\n");
        var table = new MarkdownTable("parameter", "predictor", "datasets", "slope", "95% interval", "R²", "LOO RMSE", "note");
        foreach (var p in report.IsoVocabularyPredictors)
        {
            table.Add(p.Parameter, p.Predictor, p.Datasets.ToString(CultureInfo.InvariantCulture), Format(p.Slope, "G4"),
                p.Lower is { } l && p.Upper is { } u ? Interval(l, u, "G4") : "n/a", Format(p.RSquared, "0.000"), Format(p.LeaveOneOutRmse, "G4"), p.NotFitted ?? string.Empty);
        }

        md.Append(table).Append('\n');
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
          .Append("mean over the documents measured, with its 95% interval); h is the grammar's entropy rate. The fitted E should sit at the floor.");
        var anyInterval = withFloor.Any(d => d.Fit?.Interval("E") is not null);
        md.Append(anyInterval
            ? "\n\n"
            : " No bootstrap was run, so E has no interval: each verdict compares the fitted E itself with the floor's 95% interval.\n\n");
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
                // Said once above when no dataset has an interval; here only where this one lacks what the others have.
                var pointOnly = anyInterval ? " (point estimate: no interval)" : string.Empty;
                verdict = (fitted < floor.Lower95 ? "E below the floor" : fitted > floor.Upper95 ? "E above the floor" : "consistent") + pointOnly;
            }

            table.Add(
                d.Name,
                Format(d.GzipMedian, "0.0000"),
                floor.Nats.ToString("0.0000", inv),
                string.Create(inv, $"{floor.Lower95:0.0000} to {floor.Upper95:0.0000}"),
                Format(floor.EntropyRateNats, "0.0000"),
                Format(e, "0.0000"),
                interval is { } b ? Format(b.Lower, "0.0000") + " to " + Format(b.Upper, "0.0000") : "n/a",
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

        // A run that records its validation documents is compared with the floor of exactly those documents, document by
        // document (the paired excess and its standard error); an older record only with the manifest's floor, which is
        // measured on other documents (training documents 0..N-1), so both estimates' errors count.
        // (RunExcess decides both, and which runs are below the floor.)
        var rows = runs.Select(x => (x.Dataset, x.Run, Excess: RunExcess.Of(x.Dataset, x.Run)!)).ToArray();
        var trained = rows.Where(x => !x.Run.IsSynthetic).ToArray();
        var pairedCount = trained.Count(x => x.Excess.Paired);
        var unpairedCount = trained.Length - pairedCount;
        var below = trained.Where(x => x.Excess.IsBelow).ToArray();
        md.Append(inv, $"Excess loss of each run over its dataset's floor ({runs.Length} runs; {runs.Count(x => x.Run.IsSynthetic)} synthetic). ");
        if (pairedCount > 0)
        {
            md.Append(inv, $"{pairedCount} run(s) record their validation documents: their floor is measured on exactly those documents and their excess is paired, the mean over the documents of (run loss - floor loss), shown with its standard error. ");
        }

        if (unpairedCount > 0)
        {
            md.Append(inv, $"{(pairedCount > 0 ? string.Create(inv, $"{unpairedCount} run(s)") : "The runs")} do not record their validation documents (older records): their excess is unpaired, against the manifest's floor, which is measured on other documents (training documents) than their validation documents{(pairedCount > 0 ? " (marked \"unpaired\")" : string.Empty)}. ");
        }

        // A run just under the floor's point estimate is not a bug: the floor and the validation loss are estimates.
        // Say how many there are, so that the sentence never stands above unexplained negative excesses.
        var withinError = trained.Count(x => x.Excess.WithinError);
        var errorName = pairedCount == 0 ? "both estimates' 95% sampling error (the floor's and the run's validation loss's)"
            : unpairedCount == 0 ? "the paired differences' 95% sampling error"
            : "the 95% sampling error (paired: the differences'; unpaired: both estimates')";
        var withinNote = withinError == 0
            ? string.Empty
            : string.Create(inv, $" {withinError} run(s) are below the floor's point estimate by less than that error (marked \"within error\"){(unpairedCount > 0 ? ": the unpaired floor is measured on other documents than the runs' validation documents." : ".")}");
        md.Append(below.Length == 0
            ? $"No run from training is below the floor beyond {errorName}." + withinNote + "\n\n"
            : string.Create(inv, $"**{below.Length} run(s) from training are below the floor beyond {errorName}: no model can do that, so the pipeline has a bug (data, leakage or loss units); they are marked BELOW FLOOR.**{withinNote}\n\n"));
        var excess = new MarkdownTable("dataset", "N", "D", "valid loss", "floor", "excess", "note");
        foreach (var (d, r, e) in rows.Take(400))
        {
            var note = r.IsSynthetic ? "synthetic" : e.IsBelow ? "BELOW FLOOR: pipeline bug" : e.WithinError ? "within error" : string.Empty;
            if (!r.IsSynthetic && !e.Paired && pairedCount > 0)
            {
                note = note.Length == 0 ? "unpaired" : note + ", unpaired";
            }

            excess.Add(
                d.Name,
                CountFormat.Format(r.Parameters),
                CountFormat.Format(r.Tokens),
                r.FinalValidLoss.ToString("0.0000", inv),
                e.FloorMean.ToString("0.0000", inv),
                Signed(e.Mean) + (e.Paired && double.IsFinite(e.StandardError) ? " ± " + e.StandardError.ToString("0.0000", inv) : string.Empty),
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

    /// <summary>The joint law judged on the runs' excess over the floor, dataset by dataset (ExcessMisfitRule).</summary>
    private static void AppendJointMisfit(StringBuilder md, StudyComparison comparison)
    {
        var misfits = comparison.JointMisfits;
        if (misfits.Count == 0)
        {
            return;
        }

        var inv = CultureInfo.InvariantCulture;
        var missing = misfits.Where(m => !m.Misfit.Describes).ToArray();
        if (missing.Length == 0)
        {
            md.Append(inv, $"At each dataset's H the joint law describes the runs' excess over the floor on every dataset where its miss is measured ({misfits.Count}: at most {misfits.Max(m => m.Misfit.TypicalMiss):0%} RMS, by the rule that judges each dataset's law).\n\n");
            return;
        }

        md.Append(inv, $"**Not identified**: at each dataset's H the joint law misses the runs' excess over the floor by more than the identification rule allows on {missing.Length} of the {misfits.Count} datasets where its miss is measured (")
          .AppendJoin(", ", missing.Select(m => m.Dataset + " " + m.Misfit.MissAgainstAllowed()))
          .Append("), so its slopes, their agreement with the two-step ones and the crossing below describe a law that does not fit the runs.\n\n");
    }

    private static void AppendComparison(StringBuilder md, StudyComparison comparison)
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
              .Append(joint.Analysis.Resamples > 0
                  ? string.Create(inv, $"{joint.Analysis.Resamples} bootstrap resamples of datasets and of runs within them. ")
                  : "no bootstrap, so no interval and no verdict (\"agree\" reads n/a). ")
              .Append("The two-step columns regress every dataset's free-E fit on H (a t test over point estimates, identified or not): they show the procedure the study used, not evidence; identified parameters alone are regressed in \"Predictors side by side\". ")
              .Append("\"agree\" is yes when the two-step slope lies inside the joint 95% interval, **no** when outside, n/a without an interval.\n\n");
            AppendJointMisfit(md, comparison);
            var table = new MarkdownTable("parameter", "joint slope", "joint 95% interval", "two-step slope", "two-step p-value", "agree");
            foreach (var row in comparison.Slopes)
            {
                table.Add(row.Name, row.JointSlope.ToString("G4", inv), Interval(row.JointLower, row.JointUpper, "G4"), double.IsNaN(row.TwoStepSlope) ? "n/a" : row.TwoStepSlope.ToString("G4", inv),
                    SweepFigures.FormatP(row.TwoStepPValue), comparison.JointDescribesRuns ? Agree(row) : "n/a (not identified)");
            }

            md.Append(table).Append('\n');
            var crossing = joint.Analysis.AllocationCrossing;
            md.Append(comparison.JointDescribesRuns ? "" : "Not identified (the joint law does not describe the runs): ")
              .Append(inv, $"{(comparison.JointDescribesRuns ? "T" : "t")}he joint law's allocation exponent a(H) equals the reference's ({crossing.ReferenceValue:0.0000}) at H = ")
              .Append(crossing.Estimate is { } h ? Number(h, "0.000") : "(nowhere in range)")
              .Append(joint.Analysis.Resamples > 0
                  ? string.Create(inv, $" (95%: {Interval(crossing.Lower, crossing.Upper, "0.000")}, {crossing.ResamplesCrossing} of {joint.Analysis.Resamples} resamples cross).\n\n")
                  : ".\n\n");
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
          .Append("Approach 3: beta/(alpha+beta) of the dataset's Chinchilla fit (the table above). 95% bootstrap intervals in brackets (n/a without a bootstrap); ")
          .Append("an approach that does not apply says why. Approach 2 follows `pcfglab isoflop`'s rule: runs of equal C form a budget, and a fit needs two budgets with a minimum.\n\n");
        var allocation = new MarkdownTable("dataset", "H", "Approach 1", "Approach 2", "Approach 3");
        foreach (var row in comparison.Allocation)
        {
            allocation.Add(row.Dataset, row.Compressibility is { } h ? h.ToString("0.0000", inv) : "", Estimate(row.Approach1), Estimate(row.Approach2), Estimate(row.Approach3));
        }

        md.Append(allocation).Append('\n');

        string Estimate(ExponentEstimate e) =>
            e.Missing is { } why ? "— (" + why + ")" : Number(e.Value, "0.000") + " (" + Interval(e.Lower, e.Upper, "0.000") + ")";
    }

    /// <summary>Most failed cells the missing-cells section lists one by one.</summary>
    internal const int MaxFailedCellsListed = 50;

    /// <summary>Sorted integers as ranges: 0-23, 48, 50-51.</summary>
    internal static string Ranges(IEnumerable<int> values)
    {
        var sorted = values.Distinct().Order().ToArray();
        var parts = new List<string>();
        for (var i = 0; i < sorted.Length;)
        {
            var j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }

            parts.Add(j == i ? sorted[i].ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{sorted[i]}-{sorted[j]}"));
            i = j + 1;
        }

        return string.Join(", ", parts);
    }

    /// <summary>The "agree" cell: n/a where the joint slope has no interval or the two-step slope is not comparable, never "yes" without one.</summary>
    internal static string Agree(SlopeComparison row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (!double.IsFinite(row.JointLower) || !double.IsFinite(row.JointUpper) || !double.IsFinite(row.TwoStepSlope))
        {
            return "n/a";
        }

        return row.Disagree ? "**no**" : "yes";
    }

    /// <summary>Said wherever the report has no bootstrap: once, in the provenance.</summary>
    private const string NoBootstrap = "none (`--bootstrap 0`): no interval in this report (each reads n/a), and verdicts compare point estimates";

    /// <summary>"low to high"; a bound that is not a number reads n/a.</summary>
    private static string Interval(double low, double high, string format)
    {
        if (!double.IsFinite(low) && !double.IsFinite(high))
        {
            return "n/a";
        }

        string Bound(double x) => double.IsFinite(x) ? Number(x, format) : "n/a";
        return Bound(low) + " to " + Bound(high);
    }

    /// <summary>The notes of a fit: not converged, E at its bound, no compute-optimal frontier.</summary>
    private static string FitNotes(LawFit? fit)
    {
        if (fit is null)
        {
            return string.Empty;
        }

        var notes = new List<string>();
        if (!fit.Converged)
        {
            notes.Add("optimiser did not converge");
        }

        if (fit.EAtBound)
        {
            notes.Add("E at its bound 0: the fit puts the whole loss in the power terms");
        }

        if (fit.FrontierProblem is { } problem)
        {
            notes.Add(problem);
        }

        return string.Join("; ", notes);
    }

    private static void AddAllocation(MarkdownTable table, string name, double? h, LawFit fit, double flops, string note = "")
    {
        var inv = CultureInfo.InvariantCulture;
        if (fit.FrontierProblem is { } problem)
        {
            table.Add(name, Format(h, "0.0000"), "—", "—", "—", "—", "—", note.Length == 0 ? problem : problem + "; " + note);
            return;
        }

        table.Add(
            name,
            Format(h, "0.0000"),
            (fit.Beta / (fit.Alpha + fit.Beta)).ToString("0.000", inv),
            (fit.Alpha / (fit.Alpha + fit.Beta)).ToString("0.000", inv),
            CountFormat.Format(fit.OptimalParameters(flops)),
            CountFormat.Format(fit.OptimalTokens(flops)),
            fit.TokensPerParameter(flops).ToString("0.##", inv),
            note);
    }

    private static string LastLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var last = lines.Length == 0 ? string.Empty : lines[^1];
        return last.Length > 160 ? last[..160] + "..." : last;
    }

    /// <summary>
    /// <paramref name="value"/> in <paramref name="format"/>, except that a non-zero value the format would round to
    /// zero is written in scientific notation (E = 1.9E-27, not 0.0000); <paramref name="missing"/> when absent or
    /// not a number.
    /// </summary>
    internal static string Format(double? value, string format, string missing = "-")
    {
        if (value is not { } v || !double.IsFinite(v))
        {
            return missing;
        }

        var text = Number(v, format);
        return v != 0 && text.AsSpan().TrimStart('-').IndexOfAnyExcept("0.") < 0 ? Number(v, "0.0E+00") : text;
    }

    /// <summary>
    /// <paramref name="value"/> in <paramref name="format"/>, invariant culture, where a negative number that rounds to
    /// zero reads 0.000, not .NET's "-0.000".
    /// </summary>
    internal static string Number(double value, string format)
    {
        var text = value.ToString(format, CultureInfo.InvariantCulture);
        return text.Length > 1 && text[0] == '-' && text.AsSpan(1).IndexOfAnyExcept("0.") < 0 ? text[1..] : text;
    }
}
