using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Parquet;
using Parquet.Schema;

namespace PcfgLab.Scaling;

/// <summary>
/// Reads training runs from CSV, JSON Lines (<c>.jsonl</c>, <c>.ndjson</c>, <c>.json</c>) or Parquet. The reference
/// repository's results format (<c>dataset_name</c>, <c>dataset_gzip</c>, <c>model_size</c>, <c>token_ct</c>,
/// per-step <c>train_loss</c>/<c>valid_loss</c>) and the sweep's records (<c>dataset</c>, <c>H</c>, <c>N</c>, <c>D</c>,
/// <c>final_valid_loss</c>, <c>train_losses</c>) are read with the default column map. Rows with a missing,
/// non-finite or non-positive N, D, C or loss (or a negative H) are skipped and reported through the logger.
/// </summary>
public static class RunRecordReader
{
    private static readonly string[] DatasetNames = ["dataset", "dataset_name"];
    private static readonly string[] ParameterNames = ["N", "model_size", "params", "parameters", "parameter_count"];
    private static readonly string[] TokenNames = ["D", "token_ct", "tokens"];
    private static readonly string[] FlopNames = ["C", "flops", "FLOPs"];
    private static readonly string[] CompressibilityNames = ["H", "dataset_gzip", "gzip"];

    /// <summary>Reads the runs in <paramref name="path"/> (format from the extension).</summary>
    /// <exception cref="UserInputException">Unknown format, missing column, or no usable row.</exception>
    public static IReadOnlyList<FitRun> Read(string path, RunColumnMap map, ILogger? logger = null) =>
        ReadAsync(path, map, logger).GetAwaiter().GetResult();

    /// <summary>Reads the runs in <paramref name="path"/> (format from the extension).</summary>
    /// <exception cref="UserInputException">Unknown format, missing column, or no usable row.</exception>
    public static Task<IReadOnlyList<FitRun>> ReadAsync(string path, RunColumnMap map, ILogger? logger = null, CancellationToken cancellationToken = default) =>
        ReadAsync(path, map, logger, ParquetRuns, cancellationToken);

    /// <summary>What a damaged run table's footer error advises.</summary>
    internal static ParquetOpenOptions ParquetRuns { get; } = ParquetOpenOptions.WithAdvice("write it again, or export the runs as .csv or .jsonl");

    /// <summary><see cref="ReadAsync(string, RunColumnMap, ILogger?, CancellationToken)"/> with the Parquet footer guard's options (a test shortens its limit).</summary>
    internal static async Task<IReadOnlyList<FitRun>> ReadAsync(string path, RunColumnMap map, ILogger? logger, ParquetOpenOptions parquet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(map);
        if (!File.Exists(path))
        {
            throw new UserInputException($"run file '{path}' does not exist");
        }

        var extension = Path.GetExtension(path).ToLowerInvariant();
        var table = extension switch
        {
            ".csv" => ReadCsv(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), path),
            ".jsonl" or ".ndjson" or ".json" => ReadJsonLines(await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false), path),
            ".parquet" => await ReadParquetAsync(path, parquet, cancellationToken).ConfigureAwait(false),
            _ => throw new UserInputException($"'{path}': unknown run file format '{extension}'; use .csv, .jsonl (JSON Lines) or .parquet"),
        };
        return ToRecords(table, map, path, logger);
    }

    /// <summary>Parses CSV text (RFC 4180 quoting) into runs; <paramref name="source"/> names it in messages.</summary>
    public static IReadOnlyList<FitRun> ParseCsv(string text, RunColumnMap map, string source = "input", ILogger? logger = null) =>
        ToRecords(ReadCsv(text, source), map, source, logger);

    internal sealed class Table(List<string> columns, List<Dictionary<string, object?>> rows)
    {
        public List<string> Columns { get; } = columns;

        public List<Dictionary<string, object?>> Rows { get; } = rows;
    }

    internal static Table ReadCsv(string text, string source)
    {
        var records = SplitCsv(text);
        if (records.Count == 0)
        {
            throw new UserInputException($"'{source}' is empty; expected a CSV header and rows");
        }

        var header = records[0];
        var rows = new List<Dictionary<string, object?>>(records.Count - 1);
        for (var r = 1; r < records.Count; r++)
        {
            var fields = records[r];
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue;
            }

            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var c = 0; c < header.Count; c++)
            {
                row[header[c]] = c < fields.Count ? fields[c] : null;
            }

            rows.Add(row);
        }

        return new Table(header, rows);
    }

    private static List<List<string>> SplitCsv(string text)
    {
        var records = new List<List<string>>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var i = 0;
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            i = 1;
        }

        for (; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    field.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (ch is '\n' or '\r')
            {
                if (ch == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                fields.Add(field.ToString());
                field.Clear();
                records.Add(fields);
                fields = [];
            }
            else
            {
                field.Append(ch);
            }
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add(fields);
        }

        return records;
    }

    internal static Table ReadJsonLines(string[] lines, string source)
    {
        var columns = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var rows = new List<Dictionary<string, object?>>();
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException ex)
            {
                throw new UserInputException($"'{source}' line {n + 1} is not JSON ({ex.Message.ReplaceLineEndings(" ")}); expected one JSON object per line", ex);
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new UserInputException($"'{source}' line {n + 1} is not a JSON object; expected one object per line (JSON Lines)");
                }

                var row = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (seen.Add(property.Name))
                    {
                        columns.Add(property.Name);
                    }

                    row[property.Name] = FromJson(property.Value);
                }

                rows.Add(row);
            }
        }

        return new Table(columns, rows);
    }

    private static object? FromJson(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                return value.GetDouble();
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.Array:
                var list = new List<double>();
                foreach (var item in value.EnumerateArray())
                {
                    list.Add(item.ValueKind == JsonValueKind.Number ? item.GetDouble() : double.NaN);
                }

                return list.ToArray();
            default:
                return null;
        }
    }

    // Column names as an error message shows them: a quoted CSV header may hold line breaks, and the message is one line.
    private static string Names(IEnumerable<string> names) =>
        string.Join(", ", names.Select(n => n.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)));

    private static async Task<Table> ReadParquetAsync(string path, ParquetOpenOptions parquet, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadParquetTableAsync(path, parquet, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (UserInputException or OperationCanceledException or OutOfMemoryException))
        {
            // A damaged or truncated file surfaces from the Parquet library as any of IOException, Thrift, Snappy or
            // index errors; to the user it is one thing: this file cannot be read.
            throw new UserInputException($"'{path}' is not a readable Parquet file ({ex.Message.ReplaceLineEndings(" ")}); check that it was written completely, or export the runs as .csv or .jsonl", ex);
        }
    }

    /// <summary>
    /// A damaged footer can declare billions of rows, and a dictionary per row would then take minutes and fill memory
    /// (found by fuzzing). A run table holds a few values per row, so more rows than bits in the file means the count
    /// is wrong.
    /// </summary>
    internal static void CheckRowCount(long rowCount, long fileBytes, string path, int group)
    {
        if (rowCount < 0 || rowCount > (fileBytes * 8) + 1024)
        {
            throw new UserInputException($"'{path}' declares {rowCount} rows in row group {group} of a {fileBytes}-byte file, so it is damaged; write it again, or export the runs as .csv or .jsonl");
        }
    }

    private static async Task<Table> ReadParquetTableAsync(string path, ParquetOpenOptions parquet, CancellationToken cancellationToken)
    {
        await using var reader = await ParquetFiles.OpenAsync(path, parquet, cancellationToken).ConfigureAwait(false);
        var fields = reader.Schema.GetDataFields();
        var columns = new List<string>();
        foreach (var field in fields)
        {
            if (field.MaxRepetitionLevel == 0)
            {
                columns.Add(field.Name);
            }
        }

        var rows = new List<Dictionary<string, object?>>();
        var fileBytes = new FileInfo(path).Length;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);

            CheckRowCount(group.RowCount, fileBytes, path, g);
            var count = checked((int)group.RowCount);
            var start = rows.Count;
            for (var i = 0; i < count; i++)
            {
                rows.Add(new Dictionary<string, object?>(StringComparer.Ordinal));
            }

            foreach (var field in fields)
            {
                if (field.MaxRepetitionLevel != 0)
                {
                    continue;
                }

                var values = await ReadParquetColumnAsync(group, field, count, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < count; i++)
                {
                    rows[start + i][field.Name] = values[i];
                }
            }
        }

        return new Table(columns, rows);
    }

    private static async Task<object?[]> ReadParquetColumnAsync(ParquetRowGroupReader group, DataField field, int count, CancellationToken cancellationToken)
    {
        var result = new object?[count];
        var type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            var values = new string?[count];
            await group.ReadAsync(field, values.AsMemory(), null, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < count; i++)
            {
                result[i] = values[i];
            }
        }
        else if (type == typeof(double))
        {
            await ReadNumbersAsync<double>(group, field, result, v => v, cancellationToken).ConfigureAwait(false);
        }
        else if (type == typeof(float))
        {
            await ReadNumbersAsync<float>(group, field, result, v => v, cancellationToken).ConfigureAwait(false);
        }
        else if (type == typeof(long))
        {
            await ReadNumbersAsync<long>(group, field, result, v => v, cancellationToken).ConfigureAwait(false);
        }
        else if (type == typeof(int))
        {
            await ReadNumbersAsync<int>(group, field, result, v => v, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private static async Task ReadNumbersAsync<T>(ParquetRowGroupReader group, DataField field, object?[] result, Func<T, double> convert, CancellationToken cancellationToken)
        where T : struct
    {
        var count = result.Length;
        if (field.IsNullable)
        {
            var values = new T?[count];
            await group.ReadAsync(field, values.AsMemory(), null, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < count; i++)
            {
                result[i] = values[i] is { } v ? convert(v) : null;
            }
        }
        else
        {
            var values = new T[count];
            await group.ReadAsync(field, values.AsMemory(), null, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < count; i++)
            {
                result[i] = convert(values[i]);
            }
        }
    }

    internal static IReadOnlyList<FitRun> ToRecords(Table table, RunColumnMap map, string source, ILogger? logger)
    {
        var available = table.Columns;
        var datasetColumn = Resolve(available, map.Dataset, DatasetNames, "dataset", source, required: false);
        var dColumn = Resolve(available, map.Tokens, TokenNames, "training tokens D", source, required: false);
        var cColumn = Resolve(available, map.Flops, FlopNames, "training FLOPs C", source, required: false);

        // IsoFLOP files often give only C and D (Llama 3's): then N = C/(6D).
        var nColumn = Resolve(available, map.Parameters, ParameterNames, "parameter count N", source, required: dColumn is null || cColumn is null);
        var hColumn = Resolve(available, map.Compressibility, CompressibilityNames, "compressibility H", source, required: false);
        if (dColumn is null && cColumn is null)
        {
            throw UserInputException.ForParameters($"'{source}' has neither a tokens column ({string.Join(", ", TokenNames)}) nor a FLOPs column ({string.Join(", ", FlopNames)}); name one with {new Parameter("RunColumnMap.Tokens")} or {new Parameter("RunColumnMap.Flops")} (available: {Names(available)})");
        }

        var (lossColumn, lossKind) = ResolveLoss(available, map, source);
        var duplicates = ExactDuplicateRows(table);
        if (duplicates.Count > 0)
        {
            var firstDuplicates = string.Join(", ", duplicates.Take(5).Select(x => (x + 1).ToString(CultureInfo.InvariantCulture)));
            if (map.DropExactDuplicates)
            {
                logger?.LogWarning("{Source}: dropped {Count} exact duplicate row(s) of {Total} (data rows {First}{More})", source, duplicates.Count, table.Rows.Count, firstDuplicates, duplicates.Count > 5 ? ", ..." : string.Empty);
            }
            else
            {
                logger?.LogWarning(
                    "{Source}: {Count} of {Total} rows are exact duplicates of an earlier row (data rows {First}{More}) and are fitted as separate runs, which makes bootstrap errors too small; if they repeat one run, drop them (fit's drop-duplicates option)",
                    source,
                    duplicates.Count,
                    table.Rows.Count,
                    firstDuplicates,
                    duplicates.Count > 5 ? ", ..." : string.Empty);
            }
        }

        var runs = new List<FitRun>(table.Rows.Count);
        var skipped = new List<int>();
        var reasons = new SortedSet<string>(StringComparer.Ordinal);
        var outOfRange = new List<int>();
        for (var r = 0; r < table.Rows.Count; r++)
        {
            if (map.DropExactDuplicates && duplicates.Contains(r))
            {
                continue;
            }

            var row = table.Rows[r];
            var rowNumber = r + 1;
            var n = nColumn is null ? double.NaN : Number(row, nColumn, ListPick.Last);
            var loss = lossKind == ListPick.TailMean ? TailMean(row, lossColumn, map.TrainTailCount) : Number(row, lossColumn, ListPick.Last);
            var d = dColumn is null ? double.NaN : Number(row, dColumn, ListPick.Last);
            var c = cColumn is null ? double.NaN : Number(row, cColumn, ListPick.Last);
            if (dColumn is null || (!IsPositive(d) && cColumn is not null))
            {
                d = c / (6 * n);
            }

            if (nColumn is null)
            {
                n = c / (6 * d);
            }

            if (cColumn is null || !IsPositive(c))
            {
                c = 6 * n * d;
            }

            double? h = null;
            var hBad = false;
            if (hColumn is not null)
            {
                var value = Number(row, hColumn, ListPick.First);
                if (double.IsFinite(value) && value >= 0)
                {
                    h = value;
                }
                else if (row.TryGetValue(hColumn, out var raw) && raw is not null && !(raw is string s && s.Length == 0))
                {
                    hBad = true;
                }
            }

            var bad = false;
            bad |= Check(n, nColumn ?? cColumn!, reasons);
            bad |= Check(d, dColumn ?? cColumn!, reasons);

            // C = 6 N D computed from finite positive N and D can still overflow (N = D = 1e300): those values are
            // fine, their product is out of a double's range, and the row is reported as that, not as non-positive.
            var overflow = cColumn is null && IsPositive(n) && IsPositive(d) && double.IsPositiveInfinity(c);
            if (!overflow)
            {
                bad |= Check(c, cColumn ?? dColumn!, reasons);
            }

            bad |= Check(loss, lossColumn, reasons);
            if (hBad)
            {
                reasons.Add(hColumn!);
                bad = true;
            }

            if (bad)
            {
                skipped.Add(rowNumber);
                continue;
            }

            if (overflow)
            {
                outOfRange.Add(rowNumber);
                continue;
            }

            var dataset = datasetColumn is not null && row.TryGetValue(datasetColumn, out var name) && name is not null
                ? Convert.ToString(name, CultureInfo.InvariantCulture) ?? string.Empty
                : string.Empty;
            runs.Add(new FitRun(dataset, n, d, loss, h, c, rowNumber));
        }

        if (skipped.Count > 0)
        {
            var first = string.Join(", ", skipped.Take(5).Select(x => x.ToString(CultureInfo.InvariantCulture)));
            logger?.LogWarning(
                "{Source}: skipped {Skipped} of {Total} rows with a missing, non-finite or non-positive value in {Columns} (data rows {First}{More})",
                source,
                skipped.Count,
                table.Rows.Count,
                string.Join(", ", reasons),
                first,
                skipped.Count > 5 ? ", ..." : string.Empty);
        }

        if (outOfRange.Count > 0)
        {
            logger?.LogWarning(
                "{Source}: skipped {Skipped} of {Total} rows whose training FLOPs C = 6 N D are out of range (above {Max:G3}, the largest double; N and D themselves are finite and positive): give a FLOPs column or smaller units (data rows {First}{More})",
                source,
                outOfRange.Count,
                table.Rows.Count,
                double.MaxValue,
                string.Join(", ", outOfRange.Take(5).Select(x => x.ToString(CultureInfo.InvariantCulture))),
                outOfRange.Count > 5 ? ", ..." : string.Empty);
        }

        if (runs.Count == 0)
        {
            var why = outOfRange.Count == 0
                ? $"{skipped.Count} skipped for missing, non-finite or non-positive values"
                : string.Create(CultureInfo.InvariantCulture,
                    $"{skipped.Count} skipped for missing, non-finite or non-positive values, {outOfRange.Count} because C = 6 N D is out of range (above {double.MaxValue:G3}; N and D are finite and positive)");
            throw new UserInputException($"'{source}' has no usable run ({table.Rows.Count} rows, {why})");
        }

        return runs;
    }

    /// <summary>The indices of the rows that equal an earlier row in every column (values compared exactly, bits for numbers), in order.</summary>
    internal static SortedSet<int> ExactDuplicateRows(Table table)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var duplicates = new SortedSet<int>();
        var key = new StringBuilder();
        for (var r = 0; r < table.Rows.Count; r++)
        {
            key.Clear();
            var row = table.Rows[r];
            foreach (var column in table.Columns)
            {
                key.Append(RowKeyPart(row.TryGetValue(column, out var value) ? value : null)).Append('\u001f');
            }

            if (!seen.Add(key.ToString()))
            {
                duplicates.Add(r);
            }
        }

        return duplicates;
    }

    private static string RowKeyPart(object? value) => value switch
    {
        null => "n",
        string text => "s" + text.Replace("\u001f", "\u001f\u001f", StringComparison.Ordinal),
        double number => "d" + BitConverter.DoubleToInt64Bits(number).ToString("x", CultureInfo.InvariantCulture),
        double[] list => "a" + string.Join(',', list.Select(x => BitConverter.DoubleToInt64Bits(x).ToString("x", CultureInfo.InvariantCulture))),
        System.Collections.IEnumerable items => "e" + string.Join(',', items.Cast<object?>().Select(RowKeyPart)),
        _ => value.GetType().Name + ":" + Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private enum ListPick
    {
        First,
        Last,
        TailMean,
    }

    private static (string Column, ListPick Kind) ResolveLoss(List<string> available, RunColumnMap map, string source)
    {
        if (map.Loss is not null)
        {
            return (Resolve(available, map.Loss, [], "loss", source, required: true)!, ListPick.Last);
        }

        string[] candidates = map.FinalLoss switch
        {
            FinalLossChoice.Valid => ["valid_loss", "final_valid_loss"],
            FinalLossChoice.TrainTail => ["train_loss", "train_losses", "final_train_loss"],
            _ => ["loss", "final_valid_loss", "valid_loss"],
        };
        var column = Resolve(available, null, candidates, "loss", source, required: true)!;
        var kind = map.FinalLoss == FinalLossChoice.TrainTail && column != "final_train_loss" ? ListPick.TailMean : ListPick.Last;
        return (column, kind);
    }

    private static string? Resolve(List<string> available, string? given, string[] candidates, string what, string source, bool required)
    {
        if (given is not null)
        {
            if (available.Contains(given))
            {
                return given;
            }

            throw new UserInputException($"'{source}' has no column '{Names([given])}' for {what} (available: {Names(available)})");
        }

        foreach (var candidate in candidates)
        {
            if (available.Contains(candidate))
            {
                return candidate;
            }
        }

        if (required)
        {
            throw new UserInputException($"'{source}' has no {what} column (looked for {string.Join(", ", candidates)}; available: {Names(available)}); name it with the matching option");
        }

        return null;
    }

    private static double Number(Dictionary<string, object?> row, string column, ListPick pick)
    {
        if (!row.TryGetValue(column, out var value) || value is null)
        {
            return double.NaN;
        }

        return value switch
        {
            double d => d,
            string s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : double.NaN,
            double[] list when list.Length > 0 => pick == ListPick.First ? list[0] : list[^1],
            _ => double.NaN,
        };
    }

    private static double TailMean(Dictionary<string, object?> row, string column, int k)
    {
        if (!row.TryGetValue(column, out var value) || value is not double[] list || list.Length == 0)
        {
            return Number(row, column, ListPick.Last);
        }

        var take = Math.Min(Math.Max(k, 1), list.Length);
        double sum = 0;
        for (var i = list.Length - take; i < list.Length; i++)
        {
            sum += list[i];
        }

        return sum / take;
    }

    private static bool IsPositive(double value) => double.IsFinite(value) && value > 0;

    private static bool Check(double value, string column, SortedSet<string> reasons)
    {
        if (IsPositive(value))
        {
            return false;
        }

        reasons.Add(column);
        return true;
    }
}
