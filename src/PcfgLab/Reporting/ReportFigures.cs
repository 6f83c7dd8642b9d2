using PcfgLab.Analysis;
using PcfgLab.Scaling;

namespace PcfgLab.Reporting;

/// <summary>A figure of the report: its title and the PNG and SVG files written.</summary>
/// <param name="Title">The figure's heading in the report.</param>
/// <param name="Png">The PNG file.</param>
/// <param name="Svg">The SVG file.</param>
/// <param name="Note">What the figure leaves out and why (its caption), or null.</param>
public sealed record ReportFigure(string Title, string Png, string Svg, string? Note = null);

/// <summary>
/// The figures renderer of a <see cref="StudyReport"/>: the gzip distribution of the datasets, each dataset's loss
/// curves, the compute-optimal frontiers and tokens per parameter (when a dataset was fitted) and each parameter
/// against H (when there are trends), each saved as PNG and SVG by <see cref="FigureFile"/>.
/// </summary>
internal static class ReportFigures
{
    /// <summary>Writes the report's figures into <paramref name="folder"/>, in the order the report lists them.</summary>
    public static IReadOnlyList<ReportFigure> Write(StudyReport report, string folder)
    {
        ArgumentNullException.ThrowIfNull(report);
        var figures = new List<ReportFigure>();
        var datasets = report.Datasets;
        var anySynthetic = report.SyntheticRecords > 0;
        void Add(string title, string name, ScottPlot.Plot plot, string? note = null)
        {
            var (png, svg) = FigureFile.Save(plot, folder, name);
            figures.Add(new ReportFigure(title, png, svg, note));
        }

        if (datasets.Any(d => d.GzipMedian is not null || d.GzipSample is not null))
        {
            Add("Gzip compressibility of each dataset", "gzip-distribution", SweepFigures.GzipDistribution(datasets));
        }

        var withRecords = datasets.Where(d => d.Records.Count > 0).ToArray();
        var fileNames = FileNames(withRecords.Select(d => d.Name).ToArray());
        foreach (var dataset in withRecords)
        {
            Add($"Loss against D for each N: {dataset.Name}", "loss-" + fileNames[dataset.Name], SweepFigures.LossCurves(dataset, dataset.Records.Any(r => r.IsSynthetic)));
        }

        // Where a power law is a straight line: excess over the floor, log-log, against D and against N.
        foreach (var dataset in withRecords.Where(d => d.Records.Any(r => !r.IsSynthetic && RunExcess.Of(d, r) is not null)))
        {
            var note = SweepFigures.ExcessNote(dataset);
            Add($"Excess loss over the floor against D for each N (log-log): {dataset.Name}", "excess-tokens-" + fileNames[dataset.Name], SweepFigures.ExcessAgainstTokens(dataset), note);
            Add($"Excess loss over the floor against N for each D (log-log): {dataset.Name}", "excess-parameters-" + fileNames[dataset.Name], SweepFigures.ExcessAgainstParameters(dataset), note);
        }

        if (report.Compute is { } compute)
        {
            var note = SweepFigures.FrontierNote(datasets);
            Add("Compute-optimal model size against compute", "frontier-parameters", SweepFigures.ParameterFrontier(datasets, compute.Low, compute.High, anySynthetic), note);
            Add("Compute-optimal training tokens against compute", "frontier-tokens", SweepFigures.TokenFrontier(datasets, compute.Low, compute.High, anySynthetic), note);
            Add("Compute-optimal tokens per parameter against H", "tokens-per-parameter", SweepFigures.TokensPerParameter(datasets, report.ReferenceFlops, anySynthetic), note);
        }

        // E, alpha and beta are drawn whenever a dataset was judged (hollow where not identified), A and B with a trend.
        var judged = datasets.Any(d => d.Identification is not null);
        foreach (var parameter in CompressibilityRegression.ParameterNames)
        {
            var trend = report.Trends.FirstOrDefault(t => t.Parameter == parameter);
            if (trend is not null || (judged && parameter is "E" or "alpha" or "beta"))
            {
                Add($"{parameter} against H", "parameter-" + parameter, SweepFigures.ParameterAgainstCompressibility(datasets, parameter, trend, anySynthetic));
            }
        }

        return figures;
    }

    /// <summary>
    /// A distinct file-name-safe name for each of <paramref name="names"/>: its <see cref="Slug"/>, unless two names
    /// share a slug (<c>x y</c> and <c>x_y</c>; or differ only in case, for file systems that ignore it). Then each of
    /// them whose slug is not the name itself gets <c>-</c> and 8 hex digits of the name's SHA-256, which depend on
    /// the name alone, so a figure keeps its file name whatever other datasets a report has.
    /// </summary>
    internal static IReadOnlyDictionary<string, string> FileNames(IReadOnlyList<string> names)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in names.Distinct(StringComparer.Ordinal).GroupBy(Slug, StringComparer.OrdinalIgnoreCase))
        {
            var members = group.ToArray();
            var plain = members.Count(n => members.Length == 1 || string.Equals(Slug(n), n, StringComparison.Ordinal));
            foreach (var name in members)
            {
                var keep = members.Length == 1 || (plain == 1 && string.Equals(Slug(name), name, StringComparison.Ordinal));
                result[name] = keep ? Slug(name) : Slug(name) + "-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..8];
            }
        }

        return result;
    }

    /// <summary>A file-name-safe form of a dataset name: letters, digits, '.', '-' and '_' kept, anything else '_'.</summary>
    internal static string Slug(string name) =>
        new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray());
}
