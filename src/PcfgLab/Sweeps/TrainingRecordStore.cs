using System.Globalization;
using System.Text.Json;

namespace PcfgLab.Sweeps;

/// <summary>Reads results files (JSON Lines of <see cref="TrainingRecord"/>) and appends to them.</summary>
public static class TrainingRecordStore
{
    /// <summary>The failures file beside a results file: where <see cref="SweepRunner"/> records failed cells, and what result discovery skips.</summary>
    public const string FailuresFileName = "failures.jsonl";

    /// <summary>
    /// The results files named by <paramref name="paths"/>: a file as given, a folder as its <c>*.jsonl</c> files at any
    /// depth in ordinal order, failures files left out.
    /// </summary>
    public static IReadOnlyList<string> ExpandResultFiles(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.GetFiles(path, "*.jsonl", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith("failures", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
            }
            else
            {
                files.Add(path);
            }
        }

        return files;
    }

    /// <summary>The failures files (<see cref="FailuresFileName"/>) that exist beside <paramref name="resultsFiles"/>, once each.</summary>
    public static IReadOnlyList<string> FailuresFilesBeside(IEnumerable<string> resultsFiles)
    {
        ArgumentNullException.ThrowIfNull(resultsFiles);
        return resultsFiles
            .Select(f => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(f))!, FailuresFileName))
            .Distinct(StringComparer.Ordinal)
            .Where(File.Exists)
            .ToArray();
    }

    /// <summary>Appends one record as one locked write of one line.</summary>
    public static void Append(string path, TrainingRecord record, CancellationToken cancellationToken = default) =>
        JsonLinesFile.Append(path, record, SweepJson.Default.TrainingRecord, cancellationToken);

    /// <summary>
    /// Reads the records of every file in <paramref name="paths"/> (missing files are skipped). A malformed line (a
    /// record torn by a killed trainer or a full disk, say) is skipped and described, with its file and line, in
    /// <paramref name="problems"/>. When a cell has several records (two trainers ran it), the last one read wins and
    /// <paramref name="problems"/> names the cell and where each record is.
    /// </summary>
    public static IReadOnlyList<TrainingRecord> Read(IEnumerable<string> paths, ICollection<string> problems)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(problems);
        var byCell = new Dictionary<string, TrainingRecord>(StringComparer.Ordinal);
        var order = new List<string>();
        var places = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var lineNumber = 0;
            foreach (var line in JsonLinesFile.ReadLines(path))
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                TrainingRecord? record;
                try
                {
                    record = JsonSerializer.Deserialize(line, SweepJson.Default.TrainingRecord);
                }
                catch (JsonException ex)
                {
                    problems.Add($"{path}:{lineNumber}: skipped, not a run record (a torn or damaged line: {ex.Message})");
                    continue;
                }

                if (record is not null && (record.CellId is null || record.Dataset is null))
                {
                    problems.Add($"{path}:{lineNumber}: skipped, the record has no {(record.CellId is null ? "cell_id" : "dataset")} (null or missing)");
                    continue;
                }

                if (record is not null && (record.CellId.Any(char.IsControl) || record.Dataset.Any(char.IsControl)))
                {
                    // A line break in a cell id or dataset name would forge lines wherever it is logged.
                    problems.Add($"{path}:{lineNumber}: skipped, the record's {(record.CellId.Any(char.IsControl) ? "cell_id" : "dataset")} holds a control character (a line break or the like)");
                    continue;
                }

                if (record is null || !double.IsFinite(record.FinalValidLoss) || record.FinalValidLoss <= 0 || record.Parameters <= 0 || record.Tokens <= 0)
                {
                    problems.Add($"{path}:{lineNumber}: skipped, the record lacks a positive N, D or final_valid_loss");
                    continue;
                }

                if (!byCell.ContainsKey(record.CellId))
                {
                    order.Add(record.CellId);
                    places[record.CellId] = [];
                }

                byCell[record.CellId] = record;
                places[record.CellId].Add(string.Create(CultureInfo.InvariantCulture, $"{path}:{lineNumber}"));
            }
        }

        foreach (var id in order)
        {
            if (places[id].Count > 1)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"cell {id} has {places[id].Count} records ({string.Join(", ", places[id])}): the last one is used"));
            }
        }

        return order.Select(id => byCell[id]).ToArray();
    }

    /// <summary>
    /// Throws a one-line <see cref="UserInputException"/> unless records can be appended to <paramref name="path"/>: it
    /// must be missing or a regular file (not a symbolic link, folder, pipe or device). Check before any compute is spent.
    /// </summary>
    public static void EnsureAppendable(string path) => AtomicFile.EnsureReplaceable(path, "append to");

    /// <summary>The cell identifiers that have a record in any of <paramref name="paths"/>.</summary>
    public static IReadOnlySet<string> CompletedCells(IEnumerable<string> paths) =>
        Read(paths, new List<string>()).Select(r => r.CellId).ToHashSet(StringComparer.Ordinal);
}
