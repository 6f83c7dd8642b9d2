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
        md.Append("- Results files:\n");
        foreach (var file in report.ResultsFiles)
        {
            md.Append(inv, $"  - `{file.Path}`{(file.Found ? string.Empty : " (not found)")}\n");
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

        md.Append(inv, $"- Bootstrap: {(report.BootstrapSamples > 0 ? $"{report.BootstrapSamples} resamples per dataset, seed {report.Seed}" : "none")}\n");
        md.Append(inv, $"- Training seeds: {(records.Count == 0 ? "none" : string.Join(", ", records.Select(r => r.Seed).Distinct().Order()))}; report seed {report.Seed}\n");
        md.Append("- Fits: L(N, D) = E + A/N^alpha + B/D^beta on the final validation loss of each dataset's runs (Huber loss on log L, L-BFGS from a grid of starts); ")
          .Append("each parameter regressed on H by least squares, p-value of the slope from a t test with n - 2 degrees of freedom.\n\n");

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
                d.FitProblem ?? (f is { Converged: false } ? "optimiser did not converge" : string.Empty));
        }

        md.Append(table).Append('\n');
        if (report.Datasets.Any(d => d.Fit?.Intervals is not null))
        {
            md.Append(inv, $"Bootstrap intervals ({report.BootstrapSamples} resamples of each dataset's runs, seed {report.Seed}; lower to upper):\n\n");
            var intervals = new MarkdownTable("dataset", "E", "A", "B", "alpha", "beta", "a", "b");
            foreach (var d in report.Datasets.Where(d => d.Fit?.Intervals is not null))
            {
                string Span(string name) => d.Fit!.Interval(name) is { } i
                    ? string.Create(inv, $"{i.Lower:G4} to {i.Upper:G4}")
                    : "-";
                intervals.Add(d.Name, Span("E"), Span("A"), Span("B"), Span("alpha"), Span("beta"), Span("a"), Span("b"));
            }

            md.Append(intervals).Append('\n');
        }

        md.Append(inv, $"Chinchilla (Hoffmann et al. 2022) for reference: E = 1.69, A = 406.4, B = 410.7, alpha = 0.34, beta = 0.28.\n\n");
        FloorSection(md, report.Datasets);

        md.Append("## Parameters against gzip compressibility\n\n");
        if (report.Trends.Count == 0)
        {
            md.Append("Not enough fitted datasets with a known H (two or more with different H are needed).\n\n");
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

        if (report.ReferenceFlops is > 0 and var referenceFlops)
        {
            md.Append("## Compute-optimal allocation\n\n");
            md.Append(inv, $"At C = {referenceFlops:0.00e+00} FLOPs (the largest compute among the runs); N_opt ∝ C^a, D_opt ∝ C^b.\n\n");
            var allocation = new MarkdownTable("law", "H", "a = beta/(alpha+beta)", "b = alpha/(alpha+beta)", "N_opt", "D_opt", "tokens per parameter");
            foreach (var d in report.Datasets.Where(d => d.Fit is not null))
            {
                AddAllocation(allocation, d.Name, d.GzipMedian, d.Fit!, referenceFlops);
            }

            AddAllocation(allocation, "Chinchilla", null, LawFit.Chinchilla, referenceFlops);
            md.Append(allocation).Append('\n');
        }

        AppendComparison(md, report.Comparison);

        md.Append("## Figures\n\n");
        foreach (var (title, png, svg) in figures)
        {
            var relativePng = Path.GetRelativePath(outputFolder, png).Replace('\\', '/');
            var relativeSvg = Path.GetRelativePath(outputFolder, svg).Replace('\\', '/');
            md.Append(inv, $"### {title}\n\n![{title}]({relativePng})\n\n[SVG]({relativeSvg})\n\n");
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

            md.Append(inv, $"{missing.Count} of {report.Plan!.Count} planned cells have no record ({missing.Count(c => c.LastFailure is not null)} of them failed; see the failures files for the trainer's stderr):\n\n");
            var missingTable = new MarkdownTable("index", "cell", "N", "D", "last failure");
            foreach (var (cell, f) in missing.Take(200))
            {
                var failure = f is not null
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
              .Append(crossing.Estimate is { } h ? Number(h, "0.000") : "(nowhere in range)")
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

        string Estimate(ExponentEstimate e) =>
            e.Missing is { } why ? "— (" + why + ")" : Number(e.Value, "0.000") + " (" + Interval(e.Lower, e.Upper, "0.000") + ")";

        string Interval(double low, double high, string format) =>
            double.IsFinite(low) && double.IsFinite(high) ? Number(low, format) + " to " + Number(high, format) : "n/a";
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
        value is { } v && double.IsFinite(v) ? Number(v, format) : "-";

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
