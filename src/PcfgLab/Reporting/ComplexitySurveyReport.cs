using System.Globalization;
using System.Text;
using PcfgLab.Analysis;
using ScottPlot;

namespace PcfgLab.Reporting;

/// <summary>The markdown and figures of a <see cref="ComplexitySurvey"/> (<c>pcfglab grammar survey</c>): renders only; the survey itself is computed in Analysis.</summary>
public static class ComplexitySurveyReport
{
    /// <summary>Writes <c>survey.md</c> and the figures <c>gzip-vs-entropy-rate</c> (h / ln V) and
    /// <c>gzip-vs-entropy-rate-nats</c> into <paramref name="folder"/>; returns the markdown.</summary>
    public static string Write(SurveyResult result, string folder)
    {
        ArgumentNullException.ThrowIfNull(result);
        var figures = Path.Combine(folder, "figures");
        FigureFile.Save(Figure(result, normalised: true), figures, "gzip-vs-entropy-rate");
        FigureFile.Save(Figure(result, normalised: false), figures, "gzip-vs-entropy-rate-nats");
        var markdown = Markdown(result);
        AtomicFile.WriteAllText(Path.Combine(folder, "survey.md"), markdown);
        return markdown;
    }

    /// <summary>The table and correlations as markdown.</summary>
    public static string Markdown(SurveyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.Append("# Gzip compressibility against the entropy rate\n\n");
        md.Append(inv, $"- Tool: {ToolInfo.Name} {ToolInfo.Version}; {result.Points.Count} grammars measured, {result.Skipped.Count} skipped.\n");
        md.Append("- gzip: median ratio over 1000 seeded documents of 256 tokens (the study's measure). ")
          .Append("h = H(S) / (E|S| + 1) nats per token, H(S) from exact sentence probabilities; V = terminals used + separator.\n");
        md.Append(inv, $"- Correlation of gzip with h / ln V: Pearson {result.PearsonNormalised:0.000}, Spearman {result.SpearmanNormalised:0.000}.\n");
        md.Append(inv, $"- Correlation of gzip with h (nats/token): Pearson {result.PearsonNats:0.000}, Spearman {result.SpearmanNats:0.000}.\n\n");
        var table = new MarkdownTable("grammar", "group", "spec", "seed", "gzip", "h (nats/token)", "h (bits/token)", "h / ln V", "derivation bound", "E|S|");
        foreach (var p in result.Points.OrderBy(p => p.GzipMedian))
        {
            table.Add(
                p.Grammar.Name,
                p.Grammar.Group,
                p.Grammar.Spec.ToString(),
                p.Grammar.Seed.ToString(),
                p.GzipMedian.ToString("0.0000", inv),
                p.Rate.RateNats.ToString("0.0000", inv),
                (p.Rate.RateNats / Math.Log(2)).ToString("0.0000", inv),
                p.RateOverLogVocabulary.ToString("0.0000", inv),
                p.Rate.DerivationRateNats.ToString("0.0000", inv),
                p.Rate.ExpectedSentenceLength.ToString("0.00", inv));
        }

        md.Append(table).Append('\n');
        if (result.Skipped.Count > 0)
        {
            md.Append("Skipped (no finite sentence, critical after conditioning, or sentences too long to be documents):\n\n");
            foreach (var s in result.Skipped)
            {
                md.Append("- ").Append(s).Append('\n');
            }

            md.Append('\n');
        }

        return md.ToString();
    }

    private static Plot Figure(SurveyResult result, bool normalised)
    {
        var plot = new Plot();
        plot.Title(normalised ? "Gzip compressibility against entropy rate / ln V" : "Gzip compressibility against entropy rate");
        plot.XLabel("gzip compressibility (median ratio, 1000 documents)");
        plot.YLabel(normalised ? "entropy rate h / ln V" : "entropy rate h (nats per token)");
        var palette = new ScottPlot.Palettes.Category10();
        var groups = result.Points.GroupBy(p => p.Grammar.Group).ToArray();
        for (var i = 0; i < groups.Length; i++)
        {
            var points = groups[i].ToArray();
            var scatter = plot.Add.ScatterPoints(
                points.Select(p => p.GzipMedian).ToArray(),
                points.Select(p => normalised ? p.RateOverLogVocabulary : p.Rate.RateNats).ToArray(),
                palette.GetColor(i));
            scatter.MarkerSize = 9;
            scatter.LegendText = groups[i].Key;
        }

        var r = normalised ? (result.PearsonNormalised, result.SpearmanNormalised) : (result.PearsonNats, result.SpearmanNats);
        var note = plot.Add.ScatterLine(Array.Empty<double>(), Array.Empty<double>(), Colors.Transparent);
        note.LegendText = string.Create(CultureInfo.InvariantCulture, $"Pearson {r.Item1:0.00}, Spearman {r.Item2:0.00}");
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }
}
