using Microsoft.Extensions.Logging;
using PcfgLab.Analysis;

namespace PcfgLab.Reporting;

/// <summary>
/// Writes a <see cref="StudyReport"/> into a report folder: the figures (<see cref="ReportFigures"/>, PNG and SVG under
/// <c>figures/</c>) and <c>report.md</c> (<see cref="ReportMarkdown"/>), whole or not at all: both are built in a
/// staging folder inside the report folder (<c>.report.tmp-</c> and 12 random characters) and only then renamed into place, so a
/// write that fails partway (a full disk) leaves the previous report as it was, never new figures beside an old or
/// missing <c>report.md</c>. Opening the writer locks the folder first, so that a second report into the same folder
/// fails at once rather than after the fits; the lock is released when the writer is disposed.
/// </summary>
public sealed class ReportWriter : IDisposable
{
    /// <summary>The report's file name inside the output folder.</summary>
    public const string MarkdownFileName = "report.md";

    /// <summary>The figures' folder inside the output folder.</summary>
    public const string FiguresFolderName = "figures";

    /// <summary>The name prefix of the staging folder a report is built in before it is renamed into place.</summary>
    internal const string StagingPrefix = ".report.tmp-";

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
            var stale = folderLock.RemovedTemporaryFiles.Count + staleFigures.Files.Count + RemoveStagingFolders(folderLock.Folder);
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

    /// <summary>Renders <paramref name="report"/>'s figures and Markdown into the folder, whole or not at all.</summary>
    public ReportSummary Write(StudyReport report) => Write(report, static _ => { });

    /// <summary>
    /// <see cref="Write(StudyReport)"/>, with <paramref name="staged"/> called on the staging folder once the figures are
    /// written there (tests make the write fail at that point).
    /// </summary>
    internal ReportSummary Write(StudyReport report, Action<string> staged)
    {
        ArgumentNullException.ThrowIfNull(report);
        var folder = _lock.Folder;
        var staging = Path.Combine(folder, StagingPrefix + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)));
        IReadOnlyList<ReportFigure> figures;
        try
        {
            var stagedFigures = ReportFigures.Write(report, Path.Combine(staging, FiguresFolderName));
            Directory.CreateDirectory(Path.Combine(staging, FiguresFolderName));
            staged(staging);
            // Links are made against the final folder: the figures will be there.
            figures = [.. stagedFigures.Select(f => f with { Png = Rebase(f.Png, staging, folder), Svg = Rebase(f.Svg, staging, folder) })];
            AtomicFile.WriteAllText(Path.Combine(staging, MarkdownFileName), ReportMarkdown.Render(report, figures, folder));
            Commit(staging, folder);
        }
        finally
        {
            DeleteQuietly(staging);
        }

        var markdownPath = Path.Combine(folder, MarkdownFileName);
        _logger.LogInformation("wrote {Path} with {Figures} figures", markdownPath, figures.Count * 2);
        return new ReportSummary(markdownPath, figures, report);
    }

    /// <summary>
    /// Moves the staged <c>figures/</c> and <c>report.md</c> into <paramref name="folder"/>, the old ones aside first
    /// (into the staging folder, deleted with it); renames need no space, and a failed one puts the old report back.
    /// </summary>
    private static void Commit(string staging, string folder)
    {
        var figures = Path.Combine(folder, FiguresFolderName);
        var markdown = Path.Combine(folder, MarkdownFileName);
        var oldFigures = Path.Combine(staging, "old-" + FiguresFolderName);
        AtomicFile.EnsureReplaceable(markdown, "replace");
        var movedOld = false;
        var movedNew = false;
        try
        {
            if (Directory.Exists(figures))
            {
                Directory.Move(figures, oldFigures);
                movedOld = true;
            }

            Directory.Move(Path.Combine(staging, FiguresFolderName), figures);
            movedNew = true;
            File.Move(Path.Combine(staging, MarkdownFileName), markdown, overwrite: true);
        }
        catch
        {
            if (movedNew)
            {
                DeleteQuietly(figures);
            }

            if (movedOld)
            {
                Directory.Move(oldFigures, figures);
            }

            throw;
        }
    }

    private static string Rebase(string path, string from, string to) => Path.Combine(to, Path.GetRelativePath(from, path));

    /// <summary>Staging folders of killed runs (only this writer's names; the folder's lock is held, so none is live).</summary>
    private static int RemoveStagingFolders(string folder)
    {
        var removed = 0;
        foreach (var stale in Directory.EnumerateDirectories(folder, StagingPrefix + "*"))
        {
            DeleteQuietly(stale);
            removed++;
        }

        return removed;
    }

    private static void DeleteQuietly(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the next run's Open, which removes staging folders.
        }
    }

    /// <summary>Releases the folder's lock.</summary>
    public void Dispose() => _lock.Dispose();
}
