using Microsoft.Extensions.Logging.Abstractions;
using PcfgLab.Analysis;
using PcfgLab.Reporting;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Reporting;

public sealed class ReportWriterTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Writes_the_figures_and_report_md_under_final_names_and_links_them()
    {
        var records = new[] { StudyReports.Record("d", "1", 1000, 1000, 3), StudyReports.Record("d", "2", 2000, 1000, 2.9) };
        var report = StudyReports.Empty(records, [new DatasetResults("d", 0.3, 0.01, null, records, null, "too few runs")]);
        var output = Path.Combine(_temp.Path, "report");

        ReportSummary summary;
        using (var writer = ReportWriter.Open(NullLogger.Instance, new ReportOptions { OutputFolder = output }))
        {
            summary = writer.Write(report);
        }

        Assert.Equal(Path.Combine(output, ReportWriter.MarkdownFileName), summary.MarkdownPath);
        Assert.Same(report, summary.Report);
        Assert.Equal(4, summary.Files.Count);
        Assert.All(summary.Files, f => Assert.True(File.Exists(f), f));
        Assert.All(summary.Files, f => Assert.Equal(Path.Combine(output, ReportWriter.FiguresFolderName), Path.GetDirectoryName(f)));
        Assert.DoesNotContain(Directory.GetFiles(output, "*", SearchOption.AllDirectories), f => AtomicFile.IsTemporaryName(Path.GetFileName(f)));
        var markdown = File.ReadAllText(summary.MarkdownPath);
        Assert.Equal(ReportMarkdown.Render(report, summary.Figures, output), markdown);
        Assert.Contains("](figures/loss-d.png)", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_writer_of_the_same_folder_fails_at_once_until_the_first_is_disposed()
    {
        var options = new ReportOptions { OutputFolder = Path.Combine(_temp.Path, "report"), Owner = "first report" };
        var first = ReportWriter.Open(NullLogger.Instance, options);

        var error = Assert.Throws<UserInputException>(() => ReportWriter.Open(NullLogger.Instance, options with { Owner = "second report" }));
        Assert.Contains("first report", error.Message, StringComparison.Ordinal);

        first.Dispose();
        using var again = ReportWriter.Open(NullLogger.Instance, options);
    }

    [Fact]
    public void Opening_removes_temporary_files_of_killed_runs_in_the_figures_folder()
    {
        var figures = Path.Combine(_temp.Path, "report", ReportWriter.FiguresFolderName);
        Directory.CreateDirectory(figures);
        var stale = Path.Combine(figures, ".loss-d.png.tmp-0123456789ab");
        File.WriteAllText(stale, "half a figure");

        using var writer = ReportWriter.Open(NullLogger.Instance, new ReportOptions { OutputFolder = Path.Combine(_temp.Path, "report") });

        Assert.False(File.Exists(stale));
    }
}
