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

    private static StudyReport SmallReport(double loss)
    {
        var records = new[] { StudyReports.Record("d", "1", 1000, 1000, loss), StudyReports.Record("d", "2", 2000, 1000, loss - 0.1) };
        return StudyReports.Empty(records, [new DatasetResults("d", 0.3, 0.01, null, records, null, "too few runs")]);
    }

    private static Dictionary<string, string> Snapshot(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(File.ReadAllBytes(f)), StringComparer.Ordinal);

    [Fact]
    public void A_write_that_fails_partway_leaves_the_previous_report_whole()
    {
        // A full disk after the figures: before, the new figures stayed beside the old (or no) report.md.
        var output = Path.Combine(_temp.Path, "report");
        var options = new ReportOptions { OutputFolder = output };
        using (var writer = ReportWriter.Open(NullLogger.Instance, options))
        {
            writer.Write(SmallReport(3));
        }

        var before = Snapshot(output);
        using (var writer = ReportWriter.Open(NullLogger.Instance, options))
        {
            var error = Assert.Throws<IOException>(() => writer.Write(SmallReport(5), staged =>
            {
                Assert.True(File.Exists(Path.Combine(staged, ReportWriter.FiguresFolderName, "loss-d.png")));
                throw new IOException("No space left on device");
            }));
            Assert.Equal("No space left on device", error.Message);
        }

        Assert.Equal(before, Snapshot(output));
        Assert.Empty(Directory.GetDirectories(output, ReportWriter.StagingPrefix + "*"));
    }

    [Fact]
    public void A_first_write_that_fails_partway_leaves_no_figures()
    {
        var output = Path.Combine(_temp.Path, "report");
        using (var writer = ReportWriter.Open(NullLogger.Instance, new ReportOptions { OutputFolder = output }))
        {
            Assert.Throws<IOException>(() => writer.Write(SmallReport(3), _ => throw new IOException("No space left on device")));
        }

        Assert.Empty(Directory.GetDirectories(output));
        Assert.False(File.Exists(Path.Combine(output, ReportWriter.MarkdownFileName)));
    }

    [Fact]
    public void A_rewrite_replaces_the_figures_folder_whole_and_leaves_no_staging_folder()
    {
        var output = Path.Combine(_temp.Path, "report");
        var stale = Path.Combine(output, ReportWriter.FiguresFolderName, "loss-gone.png");
        Directory.CreateDirectory(Path.GetDirectoryName(stale)!);
        File.WriteAllText(stale, "a figure of a dataset no longer in the report");
        var killed = Path.Combine(output, ReportWriter.StagingPrefix + "0123456789ab");
        Directory.CreateDirectory(Path.Combine(killed, ReportWriter.FiguresFolderName));

        using (var writer = ReportWriter.Open(NullLogger.Instance, new ReportOptions { OutputFolder = output }))
        {
            Assert.False(Directory.Exists(killed)); // a killed run's staging folder goes when the folder is opened
            writer.Write(SmallReport(3));
        }

        Assert.False(File.Exists(stale));
        Assert.Equal(["gzip-distribution.png", "gzip-distribution.svg", "loss-d.png", "loss-d.svg"],
            Directory.GetFiles(Path.Combine(output, ReportWriter.FiguresFolderName)).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray());
        Assert.Empty(Directory.GetDirectories(output, ReportWriter.StagingPrefix + "*"));
    }
}
