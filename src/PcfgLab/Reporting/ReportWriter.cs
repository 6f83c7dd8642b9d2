using Microsoft.Extensions.Logging;
using PcfgLab.Analysis;

namespace PcfgLab.Reporting;

/// <summary>
/// Writes a <see cref="StudyReport"/> into a report folder: the figures (<see cref="ReportFigures"/>, PNG and SVG under
/// <c>figures/</c>) and then <c>report.md</c> (<see cref="ReportMarkdown"/>), each under a temporary name and renamed
/// when complete. Opening the writer locks the folder first, so that a second report into the same folder fails at
/// once rather than after the fits; the lock is released when the writer is disposed.
/// </summary>
public sealed class ReportWriter : IDisposable
{
    /// <summary>The report's file name inside the output folder.</summary>
    public const string MarkdownFileName = "report.md";

    /// <summary>The figures' folder inside the output folder.</summary>
    public const string FiguresFolderName = "figures";

    private readonly ILogger _logger;
    private readonly ReportOptions _options;
    private readonly Storage.OutputFolderLock _lock;

    private ReportWriter(ILogger logger, ReportOptions options, Storage.OutputFolderLock folderLock)
    {
        _logger = logger;
        _options = options;
        _lock = folderLock;
    }

    /// <summary>
    /// Locks <paramref name="options"/>' output folder and removes the temporary files of killed runs (the figures
    /// folder's too); throws <see cref="UserInputException"/> when another run holds the folder.
    /// </summary>
    public static ReportWriter Open(ILogger logger, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(options);
        var folderLock = Storage.OutputFolderLock.Acquire(options.OutputFolder, options.Owner);
        try
        {
            var staleFigures = AtomicFile.RemoveStaleTemporaryFiles(Path.Combine(options.OutputFolder, FiguresFolderName));
            var stale = folderLock.RemovedTemporaryFiles.Count + staleFigures.Files.Count;
            if (stale > 0)
            {
                logger.LogInformation("removed {Count} temporary file(s) of earlier runs ({Bytes} bytes)", stale, folderLock.RemovedTemporaryBytes + staleFigures.Bytes);
            }

            return new ReportWriter(logger, options, folderLock);
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    /// <summary>Renders <paramref name="report"/>'s figures and Markdown into the folder; report.md comes last.</summary>
    public ReportSummary Write(StudyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var figures = ReportFigures.Write(report, Path.Combine(_options.OutputFolder, FiguresFolderName));
        var markdownPath = Path.Combine(_options.OutputFolder, MarkdownFileName);
        AtomicFile.WriteAllText(markdownPath, ReportMarkdown.Render(report, figures, _options.OutputFolder));
        _logger.LogInformation("wrote {Path} with {Figures} figures", markdownPath, figures.Count * 2);
        return new ReportSummary(markdownPath, figures, report);
    }

    /// <summary>Releases the folder's lock.</summary>
    public void Dispose() => _lock.Dispose();
}
