using System.Globalization;
using PcfgLab.Analysis;
using ScottPlot;

namespace PcfgLab.Reporting;

/// <summary>
/// The report's figures, each a ScottPlot <see cref="Plot"/> with a title, axis labels with units and a legend.
/// Log axes (see <see cref="LogAxis"/>) where the study uses them: tokens, parameters and compute.
/// </summary>
internal static class SweepFigures
{
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    /// <summary>
    /// The distribution of per-document gzip compressibility of each dataset: histograms of the sampled ratios when
    /// samples exist, else each dataset's median with a one-standard-deviation bar from its manifest.
    /// </summary>
    public static Plot GzipDistribution(IReadOnlyList<DatasetResults> datasets, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        var plot = new Plot();
        plot.Title("Gzip compressibility of each dataset" + (note is null ? string.Empty : " (" + note + ")"));
        plot.XLabel("gzip compressibility H (compressed bytes / raw bytes)");
        var withSamples = datasets.Where(d => d.GzipSample is { Count: > 1 }).ToArray();
        if (withSamples.Length > 0)
        {
            plot.YLabel("share of sampled documents per bin");
            var all = withSamples.SelectMany(d => d.GzipSample!).ToArray();
            var low = all.Min();
            var high = all.Max();
            var bins = 60;
            var width = Math.Max((high - low) / bins, 1e-6);
            for (var i = 0; i < withSamples.Length; i++)
            {
                var sample = withSamples[i].GzipSample!;
                var counts = new double[bins + 1];
                foreach (var value in sample)
                {
                    counts[Math.Min(bins, (int)((value - low) / width))] += 1.0 / sample.Count;
                }

                var xs = Enumerable.Range(0, bins + 1).Select(b => low + ((b + 0.5) * width)).ToArray();
                var line = plot.Add.ScatterLine(xs, counts, Palette.GetColor(i));
                // The dataset's H as the tables give it (the runs' H, 4 decimals), not the sample's own median.
                line.LegendText = withSamples[i].GzipMedian is { } h
                    ? string.Create(CultureInfo.InvariantCulture, $"{withSamples[i].Name} (H = {h:0.0000}, n = {sample.Count})")
                    : string.Create(CultureInfo.InvariantCulture, $"{withSamples[i].Name} (n = {sample.Count})");
                line.LineWidth = 2;
            }

            // A share is never negative: the axis starts at zero, not at the autoscaler's margin below it.
            plot.Axes.AutoScale();
            plot.Axes.SetLimitsY(0, plot.Axes.GetLimits().Top);
        }
        else
        {
            plot.YLabel("dataset (median, bar: one standard deviation)");
            for (var i = 0; i < datasets.Count; i++)
            {
                if (datasets[i].GzipMedian is not { } median)
                {
                    continue;
                }

                var y = datasets.Count - i;
                var color = Palette.GetColor(i);
                var sd = datasets[i].GzipStandardDeviation ?? 0;
                var bar = plot.Add.ScatterLine(new[] { median - sd, median + sd }, new double[] { y, y }, color);
                bar.LineWidth = 3;
                var point = plot.Add.ScatterPoints(new[] { median }, new double[] { y }, color);
                point.MarkerSize = 10;
                point.LegendText = string.Create(CultureInfo.InvariantCulture, $"{datasets[i].Name}: {median:0.0000} ± {sd:0.0000}");
            }

            plot.Axes.Left.SetTicks(
                Enumerable.Range(0, datasets.Count).Select(i => (double)(datasets.Count - i)).ToArray(),
                datasets.Select(d => d.Name).ToArray());
        }

        ShowLegendOutside(plot);
        return plot;
    }

    /// <summary>Final validation loss against training tokens D for each model size N, with the fitted law's curves (one dataset).</summary>
    public static Plot LossCurves(DatasetResults dataset, bool synthetic)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var plot = new Plot();
        var h = dataset.GzipMedian is { } median ? string.Create(CultureInfo.InvariantCulture, $", H = {median:0.0000}") : string.Empty;
        plot.Title($"Loss against training tokens: {dataset.Name}{h}{(synthetic ? " (SYNTHETIC records)" : string.Empty)}");
        plot.XLabel("training tokens D (log scale)");
        plot.YLabel("final validation loss (nats per token)");
        var groups = dataset.Records.GroupBy(r => r.Parameters).OrderBy(g => g.Key).ToArray();
        var minD = dataset.Records.Min(r => (double)r.Tokens);
        var maxD = dataset.Records.Max(r => (double)r.Tokens);
        for (var i = 0; i < groups.Length; i++)
        {
            var color = Palette.GetColor(i);
            var runs = groups[i].OrderBy(r => r.Tokens).ToArray();
            var points = plot.Add.ScatterPoints(LogAxis.Log10(runs.Select(r => (double)r.Tokens)), runs.Select(r => r.FinalValidLoss).ToArray(), color);
            points.MarkerSize = 8;
            points.LegendText = "N = " + CountFormat.Format(groups[i].Key);
            if (dataset.Fit is { } fit)
            {
                var xs = Sweep(Math.Log10(minD), Math.Log10(maxD), 60);
                var curve = plot.Add.ScatterLine(xs, xs.Select(x => fit.Loss(groups[i].Key, Math.Pow(10, x))).ToArray(), color);
                curve.LineWidth = 1.5f;
            }
        }

        if (dataset.Floor is { } floor)
        {
            // The exact best loss of any model on this data: every curve must stay above it.
            var line = plot.Add.HorizontalLine(floor.Nats, 2, Colors.Black, LinePattern.Dashed);
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"loss floor {floor.Nats:0.000} nats");
        }

        LogAxis.Apply(plot.Axes.Bottom, LogAxis.Count);
        if (dataset.Fit is not null)
        {
            var legend = plot.Add.ScatterLine(Array.Empty<double>(), Array.Empty<double>(), Colors.Gray);
            legend.LegendText = "fitted law (lines)";
        }

        ShowLegendOutside(plot);
        return plot;
    }

    /// <summary>
    /// Excess loss over the floor against training tokens D, one line per model size N, log-log: where the law holds
    /// with E at the floor, excess = A/N^alpha + B/D^beta, so each line bends from the data term B/D^beta (drawn
    /// dashed, the N → ∞ limit) to its own plateau A/N^alpha. The primary fit's curves are drawn; runs within two
    /// standard errors of the floor (a log axis has no 0) are drawn hollow at the bottom edge.
    /// </summary>
    public static Plot ExcessAgainstTokens(DatasetResults dataset) =>
        Excess(dataset, byTokens: true);

    /// <summary>Excess loss over the floor against model size N, one line per budget D, log-log, with the parameter term A/N^alpha dashed (see <see cref="ExcessAgainstTokens"/>).</summary>
    public static Plot ExcessAgainstParameters(DatasetResults dataset) =>
        Excess(dataset, byTokens: false);

    /// <summary>The caption of an excess figure: what is drawn hollow and which fit the lines are, or null.</summary>
    internal static string? ExcessNote(DatasetResults dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var runs = dataset.Records.Where(r => !r.IsSynthetic).Select(r => RunExcess.Of(dataset, r)).Where(e => e is not null).ToArray();
        var unresolved = runs.Count(e => !e!.Resolved);
        var paired = runs.Count(e => e!.Paired);
        var parts = new List<string>
        {
            paired == runs.Length ? "Excess over the floor of each run's own validation documents (paired)." : string.Create(CultureInfo.InvariantCulture, $"Excess over the floor: {paired} of {runs.Length} runs paired, the rest against the manifest's floor."),
        };
        if (unresolved > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{unresolved} run(s) within two standard errors of the floor are drawn hollow at the bottom edge."));
        }

        parts.Add(dataset.Identification is { FixedE: not null } ? "Lines: the primary fit (E at the floor); dashed: its data or parameter term alone."
            : "No lines: " + (dataset.FitProblem ?? "no fit with E at the floor") + ".");
        return string.Join(" ", parts);
    }

    private static Plot Excess(DatasetResults dataset, bool byTokens)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var plot = new Plot();
        var h = dataset.GzipMedian is { } median ? string.Create(CultureInfo.InvariantCulture, $", H = {median:0.0000}") : string.Empty;
        plot.Title($"Excess loss over the floor against {(byTokens ? "training tokens" : "model size")}: {dataset.Name}{h}");
        plot.XLabel(byTokens ? "training tokens D (log scale)" : "parameters N (log scale)");
        plot.YLabel("validation loss - floor (nats per token, log scale)");
        var runs = dataset.Records.Where(r => !r.IsSynthetic)
            .Select(r => (Run: r, Excess: RunExcess.Of(dataset, r)))
            .Where(x => x.Excess is not null)
            .ToArray();
        if (runs.Length == 0)
        {
            return plot;
        }

        var resolved = runs.Where(x => x.Excess!.Resolved).ToArray();
        var bottom = resolved.Length > 0 ? Math.Log10(resolved.Min(x => x.Excess!.Mean)) - 0.3 : -3;
        double X(PcfgLab.Sweeps.TrainingRecord r) => Math.Log10(byTokens ? r.Tokens : r.Parameters);
        var fit = dataset.Identification is { FixedE: not null } id ? id.Fit : null;
        var groups = runs.GroupBy(x => byTokens ? x.Run.Parameters : x.Run.Tokens).OrderBy(g => g.Key).ToArray();
        var allX = runs.Select(x => X(x.Run)).ToArray();
        var xs = Sweep(allX.Min(), allX.Max(), 50);
        for (var i = 0; i < groups.Length; i++)
        {
            var color = Palette.GetColor(i);
            var members = groups[i].OrderBy(x => byTokens ? x.Run.Tokens : x.Run.Parameters).ToArray();
            var label = (byTokens ? "N = " : "D = ") + CountFormat.Format(groups[i].Key);
            var shown = members.Where(x => x.Excess!.Resolved).ToArray();
            if (shown.Length > 0)
            {
                var points = plot.Add.ScatterPoints(
                    shown.Select(x => X(x.Run)).ToArray(),
                    shown.Select(x => Math.Log10(x.Excess!.Mean)).ToArray(),
                    color);
                points.MarkerSize = 8;
                points.LegendText = label;
            }

            var hidden = members.Where(x => !x.Excess!.Resolved).ToArray();
            if (hidden.Length > 0)
            {
                var hollow = plot.Add.ScatterPoints(
                    hidden.Select(x => X(x.Run)).ToArray(),
                    hidden.Select(_ => bottom).ToArray(),
                    color);
                hollow.MarkerShape = MarkerShape.OpenTriangleDown;
                hollow.MarkerSize = 8;
                if (shown.Length == 0)
                {
                    hollow.LegendText = label + " (at the floor)";
                }
            }

            if (fit is not null)
            {
                var key = (double)groups[i].Key;
                var curve = plot.Add.ScatterLine(xs, xs.Select(x =>
                {
                    var other = Math.Pow(10, x);
                    var excess = byTokens ? fit.Loss(key, other) - fit.E : fit.Loss(other, key) - fit.E;
                    return excess > 0 ? Math.Log10(excess) : double.NaN;
                }).ToArray(), color);
                curve.LineWidth = 1.5f;
            }
        }

        if (fit is not null)
        {
            var term = plot.Add.ScatterLine(xs, xs.Select(x =>
            {
                var v = Math.Pow(10, x);
                return Math.Log10(byTokens ? fit.Parameters.B / Math.Pow(v, fit.Beta) : fit.Parameters.A / Math.Pow(v, fit.Alpha));
            }).ToArray(), Colors.Black);
            term.LinePattern = LinePattern.Dashed;
            term.LineWidth = 2;
            term.LegendText = byTokens
                ? string.Create(CultureInfo.InvariantCulture, $"data term B/D^beta (beta = {fit.Beta:0.###})")
                : string.Create(CultureInfo.InvariantCulture, $"parameter term A/N^alpha (alpha = {fit.Alpha:0.###})");
        }

        // Keep the view on the runs: the terms may run far above or below them.
        var ys = resolved.Select(x => Math.Log10(x.Excess!.Mean)).Append(bottom).ToArray();
        plot.Axes.SetLimitsX(allX.Min() - 0.1, allX.Max() + 0.1);
        plot.Axes.SetLimitsY(ys.Min() - 0.15, ys.Max() + 0.3);
        LogAxis.Apply(plot.Axes.Bottom, LogAxis.Count);
        LogAxis.Apply(plot.Axes.Left, LogAxis.Plain);
        ShowLegendOutside(plot);
        return plot;
    }

    /// <summary>Compute-optimal model size N_opt against compute C for every fitted dataset and for Chinchilla.</summary>
    public static Plot ParameterFrontier(IReadOnlyList<DatasetResults> datasets, double minFlops, double maxFlops, bool synthetic) =>
        Frontier(datasets, minFlops, maxFlops, synthetic, "Compute-optimal model size", "compute-optimal parameters N_opt (log scale)", (f, c) => f.OptimalParameters(c));

    /// <summary>Compute-optimal training tokens D_opt against compute C for every fitted dataset and for Chinchilla.</summary>
    public static Plot TokenFrontier(IReadOnlyList<DatasetResults> datasets, double minFlops, double maxFlops, bool synthetic) =>
        Frontier(datasets, minFlops, maxFlops, synthetic, "Compute-optimal training tokens", "compute-optimal tokens D_opt (log scale)", (f, c) => f.OptimalTokens(c));

    /// <summary>One law parameter against H across datasets, with its regression line and the slope's p-value (the study's Figure 4).</summary>
    public static Plot ParameterAgainstCompressibility(IReadOnlyList<DatasetResults> datasets, string parameter, ParameterTrend? trend, bool synthetic)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        var plot = new Plot();
        plot.Title($"Fitted {parameter} against gzip compressibility{(synthetic ? " (SYNTHETIC records)" : string.Empty)}");
        plot.XLabel("gzip compressibility H (compressed bytes / raw bytes)");
        plot.YLabel(parameter switch
        {
            "E" => "E: irreducible loss (nats per token)",
            "A" => "A: parameter-term coefficient (nats)",
            "B" => "B: data-term coefficient (nats)",
            "alpha" => "alpha: parameter exponent (dimensionless)",
            _ => "beta: data exponent (dimensionless)",
        });
        // The primary fit (E at the floor where recorded); a parameter not identified (IdentificationRules) is hollow.
        static LawFit? Primary(DatasetResults d) => d.Identification?.Fit ?? d.Fit;
        var fitted = datasets.Where(d => Primary(d) is not null && d.GzipMedian is not null)
            .Where(d => double.IsFinite(Primary(d)!.Named().First(p => p.Name == parameter).Value)).ToArray();
        var xs = fitted.Select(d => d.GzipMedian!.Value).ToArray();
        var ys = fitted.Select(d => Primary(d)!.Named().First(p => p.Name == parameter).Value).ToArray();
        var judged = parameter switch { "A" => "alpha", "B" => "beta", _ => parameter };
        var identified = fitted.Select(d => d.Identification?.Estimate(judged)?.Identified == true).ToArray();
        if (identified.Any(i => i))
        {
            var points = plot.Add.ScatterPoints(xs.Where((_, i) => identified[i]).ToArray(), ys.Where((_, i) => identified[i]).ToArray(), Palette.GetColor(0));
            points.MarkerSize = 10;
            points.LegendText = "identified";
        }

        if (identified.Any(i => !i))
        {
            var hollow = plot.Add.ScatterPoints(xs.Where((_, i) => !identified[i]).ToArray(), ys.Where((_, i) => !identified[i]).ToArray(), Palette.GetColor(0));
            hollow.MarkerShape = MarkerShape.OpenCircle;
            hollow.MarkerSize = 10;
            hollow.LegendText = parameter == "E" && fitted.Any(d => d.Identification?.FixedE is not null) ? "not identified or fixed at the floor (hollow)" : "not identified (hollow; report: Identification)";
        }

        var barred = false;
        for (var i = 0; i < fitted.Length; i++)
        {
            if (Primary(fitted[i])!.Interval(parameter) is { } interval && double.IsFinite(interval.Lower) && double.IsFinite(interval.Upper))
            {
                var bar = plot.Add.ScatterLine(new[] { xs[i], xs[i] }, new[] { interval.Lower, interval.Upper }, Palette.GetColor(0));
                bar.LineWidth = 1.5f;
                if (!barred)
                {
                    bar.LegendText = "bootstrap interval";
                    barred = true;
                }
            }
        }
        if (parameter == "E")
        {
            // The exact loss floor of each dataset with its 95% interval: the fitted E should sit on it.
            var withFloor = datasets.Where(d => d.Floor is not null && d.GzipMedian is not null).ToArray();
            if (withFloor.Length > 0)
            {
                var floors = plot.Add.ScatterPoints(withFloor.Select(d => d.GzipMedian!.Value).ToArray(), withFloor.Select(d => d.Floor!.Nats).ToArray(), Colors.Black);
                floors.MarkerShape = MarkerShape.OpenDiamond;
                floors.MarkerSize = 11;
                floors.LegendText = "loss floor (exact; bar: 95%)";
                foreach (var d in withFloor)
                {
                    var bar = plot.Add.ScatterLine(new[] { d.GzipMedian!.Value, d.GzipMedian!.Value }, new[] { d.Floor!.Lower95, d.Floor.Upper95 }, Colors.Black);
                    bar.LineWidth = 1.5f;
                }
            }
        }

        if (trend is not null && xs.Length > 0)
        {
            var lineXs = new[] { xs.Min(), xs.Max() };
            var line = plot.Add.ScatterLine(lineXs, lineXs.Select(trend.At).ToArray(), Palette.GetColor(1));
            line.LineWidth = 2;
            line.LegendText = string.Create(CultureInfo.InvariantCulture,
                $"{parameter} = {trend.Intercept:G4} {(trend.Slope < 0 ? '-' : '+')} {Math.Abs(trend.Slope):G4} H (p = {FormatP(trend.PValue)}, R² = {trend.RSquared:0.000})");
        }

        ShowLegendOutside(plot);
        return plot;
    }

    /// <summary>Compute-optimal tokens per parameter at compute <paramref name="flops"/> against H, with Chinchilla's ratio for reference.</summary>
    public static Plot TokensPerParameter(IReadOnlyList<DatasetResults> datasets, double flops, bool synthetic)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        var plot = new Plot();
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"Compute-optimal tokens per parameter at C = {flops:0.0e+00} FLOPs{(synthetic ? " (SYNTHETIC records)" : string.Empty)}"));
        plot.XLabel("gzip compressibility H (compressed bytes / raw bytes)");
        plot.YLabel("D_opt / N_opt (tokens per parameter, log scale)");
        var fitted = WithFrontier(datasets).Where(d => d.GzipMedian is not null).OrderBy(d => d.GzipMedian).ToArray();
        var xs = fitted.Select(d => d.GzipMedian!.Value).ToArray();
        var ratios = fitted.Select(d => d.Fit!.TokensPerParameter(flops)).ToArray();
        var chinchilla = LawFit.Chinchilla.TokensPerParameter(flops);
        var points = plot.Add.Scatter(xs, LogAxis.Log10(ratios), Palette.GetColor(0));
        points.MarkerSize = 10;
        points.LegendText = "fitted datasets";
        if (xs.Length > 0)
        {
            var reference = plot.Add.ScatterLine(new[] { xs.Min(), xs.Max() }, new[] { Math.Log10(chinchilla), Math.Log10(chinchilla) }, Colors.Black);
            reference.LinePattern = LinePattern.Dashed;
            reference.LegendText = string.Create(CultureInfo.InvariantCulture, $"Chinchilla ({chinchilla:0.#} tokens per parameter)");
        }

        LogAxis.Apply(plot.Axes.Left, LogAxis.Plain);
        ShowLegendOutside(plot);
        return plot;
    }

    private static Plot Frontier(IReadOnlyList<DatasetResults> datasets, double minFlops, double maxFlops, bool synthetic, string title, string yLabel, Func<LawFit, double, double> optimum)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        var plot = new Plot();
        plot.Title(title + " against compute" + (synthetic ? " (SYNTHETIC records)" : string.Empty));
        plot.XLabel("training compute C = 6ND (FLOPs, log scale)");
        plot.YLabel(yLabel);
        var xs = Sweep(Math.Log10(minFlops), Math.Log10(maxFlops), 40);
        var fitted = WithFrontier(datasets).ToArray();
        for (var i = 0; i < fitted.Length; i++)
        {
            var fit = fitted[i].Fit!;
            var line = plot.Add.ScatterLine(xs, xs.Select(x => Math.Log10(optimum(fit, Math.Pow(10, x)))).ToArray(), Palette.GetColor(i));
            line.LineWidth = 2;
            line.LegendText = fitted[i].GzipMedian is { } h ? string.Create(CultureInfo.InvariantCulture, $"{fitted[i].Name} (H = {h:0.0000})") : fitted[i].Name;
        }

        var chinchilla = plot.Add.ScatterLine(xs, xs.Select(x => Math.Log10(optimum(LawFit.Chinchilla, Math.Pow(10, x)))).ToArray(), Colors.Black);
        chinchilla.LinePattern = LinePattern.Dashed;
        chinchilla.LineWidth = 2;
        chinchilla.LegendText = "Chinchilla (Hoffmann et al. 2022)";
        LogAxis.Apply(plot.Axes.Bottom, LogAxis.Scientific);
        LogAxis.Apply(plot.Axes.Left, LogAxis.Count);
        ShowLegendOutside(plot);
        return plot;
    }

    /// <summary>
    /// The legend in a panel below the data area, never over a point (inside, it hid the 0.11 point of the beta
    /// figure); below rather than beside, so that the data keep the figure's full width.
    /// </summary>
    internal static void ShowLegendOutside(Plot plot) => plot.ShowLegend(Edge.Bottom);

    /// <summary>Datasets whose fitted law has a compute-optimal frontier (the frontier figures draw only these).</summary>
    internal static IEnumerable<DatasetResults> WithFrontier(IEnumerable<DatasetResults> datasets) =>
        datasets.Where(d => d.Fit is { FrontierProblem: null });

    /// <summary>
    /// The caption note of a frontier figure: each fitted dataset it does not draw, and why (a law without a frontier),
    /// or null when it draws them all.
    /// </summary>
    internal static string? FrontierNote(IEnumerable<DatasetResults> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        var left = datasets.Where(d => d.Fit?.FrontierProblem is not null).Select(d => $"{d.Name} ({d.Fit!.FrontierProblem})").ToArray();
        return left.Length == 0 ? null : "Not drawn: " + string.Join("; ", left) + ".";
    }

    private static double[] Sweep(double from, double to, int points) =>
        Enumerable.Range(0, points).Select(i => from + ((to - from) * i / (points - 1))).ToArray();

    internal static string FormatP(double p) =>
        double.IsNaN(p) ? "n/a" : p < 1e-4 ? p.ToString("0.0e+00", CultureInfo.InvariantCulture) : p.ToString("0.0000", CultureInfo.InvariantCulture);
}
