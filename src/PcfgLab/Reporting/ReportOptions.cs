using PcfgLab.Analysis;

namespace PcfgLab.Reporting;

/// <summary>Where <see cref="ReportWriter"/> writes.</summary>
public sealed record ReportOptions
{
    /// <summary>The report folder: report.md and figures/.</summary>
    public required string OutputFolder { get; init; }

    /// <summary>Who is writing, quoted to a second run that finds the folder locked.</summary>
    public string Owner { get; init; } = "pcfglab sweep report";
}

/// <summary>A written report: its files and the model they render.</summary>
/// <param name="MarkdownPath">The report.md written.</param>
/// <param name="Figures">The figures written, in the report's order.</param>
/// <param name="Report">The model rendered.</param>
public sealed record ReportSummary(string MarkdownPath, IReadOnlyList<ReportFigure> Figures, StudyReport Report)
{
    /// <summary>Every figure file written: each figure's PNG, then its SVG.</summary>
    public IReadOnlyList<string> Files => [.. Figures.SelectMany(f => new[] { f.Png, f.Svg })];
}
