using System.Globalization;
using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace PcfgLab.Storage;

/// <summary>
/// One row group's documents, flat: <see cref="Tokens"/> holds them one after the other and
/// <see cref="Offsets"/> (Count + 1 entries) where each starts. Valid until the reader moves on: the buffers are
/// reused, so copy what must outlive the iteration step.
/// </summary>
public sealed class DocumentBatch
{
    internal int[] TokenBuffer { get; set; } = [];

    internal int[] OffsetBuffer { get; set; } = [0];

    /// <summary>File the batch was read from.</summary>
    public string File { get; internal set; } = string.Empty;

    /// <summary>Index, over the whole dataset, of the batch's first document.</summary>
    public long FirstDocument { get; internal set; }

    /// <summary>Number of documents in the batch.</summary>
    public int Count { get; internal set; }

    /// <summary>All tokens of the batch.</summary>
    public ReadOnlySpan<int> Tokens => TokenBuffer.AsSpan(0, OffsetBuffer[Count]);

    /// <summary>Start of each document in <see cref="Tokens"/>, plus the end.</summary>
    public ReadOnlySpan<int> Offsets => OffsetBuffer.AsSpan(0, Count + 1);

    /// <summary>Tokens of document <paramref name="index"/> of the batch.</summary>
    public ReadOnlySpan<int> Document(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return TokenBuffer.AsSpan(OffsetBuffer[index], OffsetBuffer[index + 1] - OffsetBuffer[index]);
    }
}

/// <summary>
/// Streams token documents from a Parquet file or a folder of <c>*.parquet</c> files (read in ordinal name order),
/// from any column that is a list of integers (by default <c>input_ids</c>), written by this tool or by others
/// (pyarrow, DuckDB, Hugging Face datasets). Reads row group by row group into reused buffers, so memory stays at
/// about one row group whatever the dataset's size. Integer values must fit in an int32.
/// </summary>
public sealed class ParquetDatasetReader
{
    private ParquetDatasetReader(string source, IReadOnlyList<string> files, string column, ParquetOpenOptions openOptions)
    {
        Source = source;
        Files = files;
        Column = column;
        OpenOptions = openOptions;
    }

    /// <summary>How each file is opened: the footer guard and the advice of its error.</summary>
    internal ParquetOpenOptions OpenOptions { get; }

    /// <summary>The file or folder given.</summary>
    public string Source { get; }

    /// <summary>The Parquet files, in reading order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Name of the token column.</summary>
    public string Column { get; }

    /// <summary>Opens a file or a folder of <c>*.parquet</c> files; throws <see cref="UserInputException"/> when there is none.</summary>
    /// <param name="path">A <c>.parquet</c> file, or a folder holding some.</param>
    /// <param name="column">The integer-list column to read.</param>
    public static ParquetDatasetReader Open(string path, string column = ParquetDatasetWriter.TokenColumn) =>
        Open(path, column, ParquetOpenOptions.WithAdvice("write it again (regenerate the dataset), or read another copy"));

    /// <summary>Opens as <see cref="Open(string, string)"/>, each file with <paramref name="openOptions"/>.</summary>
    internal static ParquetDatasetReader Open(string path, string column, ParquetOpenOptions openOptions)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(column);
        string[] files;
        if (Directory.Exists(path))
        {
            files = Directory.GetFiles(path, "*.parquet", SearchOption.TopDirectoryOnly);
            Array.Sort(files, StringComparer.Ordinal);
            if (files.Length == 0)
            {
                throw new UserInputException($"'{path}' holds no .parquet files: give a dataset folder or a Parquet file.");
            }
        }
        else if (File.Exists(path))
        {
            files = [path];
        }
        else
        {
            throw new UserInputException($"'{path}' does not exist: give a dataset folder or a Parquet file.");
        }

        return new ParquetDatasetReader(path, files, column, openOptions);
    }

    /// <summary>Number of documents in all files, from the footers (no data is read).</summary>
    public async Task<long> CountDocumentsAsync(CancellationToken cancellationToken = default)
    {
        var total = 0L;
        foreach (var file in Files)
        {
            await using var reader = await OpenFileAsync(file, cancellationToken).ConfigureAwait(false);
            FindColumn(reader.Schema, file);
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                total += reader.RowGroups[g].RowCount;
            }
        }

        return total;
    }

    /// <summary>Footer key/values of the first file.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ReadFooterAsync(CancellationToken cancellationToken = default)
    {
        await using var reader = await OpenFileAsync(Files[0], cancellationToken).ConfigureAwait(false);
        return new Dictionary<string, string>(reader.CustomMetadata, StringComparer.Ordinal);
    }

    /// <summary>Reads every row group of every file in order. The batch object and its buffers are reused.</summary>
    public IAsyncEnumerable<DocumentBatch> ReadBatchesAsync(CancellationToken cancellationToken = default) =>
        ReadBatchesAsync(null, cancellationToken);

    /// <summary>Reads every document as its own array (convenient, allocates one array per document).</summary>
    public async IAsyncEnumerable<int[]> ReadDocumentsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var batch in ReadBatchesAsync(cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                yield return batch.Document(i).ToArray();
            }
        }
    }

    /// <summary>
    /// Reads the documents at the given dataset-wide indices (ascending, distinct), decoding only the row groups
    /// that hold one of them. Returns them in the order of <paramref name="sortedIndices"/>.
    /// </summary>
    public async Task<int[][]> ReadDocumentsAtAsync(IReadOnlyList<long> sortedIndices, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sortedIndices);
        for (var i = 1; i < sortedIndices.Count; i++)
        {
            if (sortedIndices[i] <= sortedIndices[i - 1])
            {
                throw new ArgumentException("Indices must be ascending and distinct.", nameof(sortedIndices));
            }
        }

        var result = new int[sortedIndices.Count][];
        if (sortedIndices.Count == 0)
        {
            return result;
        }

        var next = 0;
        await foreach (var batch in ReadBatchesAsync(sortedIndices, cancellationToken).ConfigureAwait(false))
        {
            var end = batch.FirstDocument + batch.Count;
            while (next < sortedIndices.Count && sortedIndices[next] < end)
            {
                result[next] = batch.Document((int)(sortedIndices[next] - batch.FirstDocument)).ToArray();
                next++;
            }
        }

        if (next < sortedIndices.Count)
        {
            throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
                $"'{Source}' has fewer documents than index {sortedIndices[next]} needs."));
        }

        return result;
    }

    private async IAsyncEnumerable<DocumentBatch> ReadBatchesAsync(IReadOnlyList<long>? wanted, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batch = new DocumentBatch();
        var first = 0L;
        var wantedPosition = 0;
        int[] definitions = [];
        int[] repetitions = [];
        Array? values = null;
        foreach (var file in Files)
        {
            await using var reader = await OpenFileAsync(file, cancellationToken).ConfigureAwait(false);
            var field = FindColumn(reader.Schema, file);
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var group = reader.RowGroups[g];
                var rows = group.RowCount;
                if (wanted is not null)
                {
                    while (wantedPosition < wanted.Count && wanted[wantedPosition] < first)
                    {
                        wantedPosition++;
                    }

                    if (wantedPosition >= wanted.Count)
                    {
                        yield break;
                    }

                    if (wanted[wantedPosition] >= first + rows)
                    {
                        first += rows;
                        continue;
                    }
                }

                var levelCount = checked((int)(group.GetMetadata(field)?.MetaData?.NumValues ?? 0));
                if (definitions.Length < levelCount)
                {
                    definitions = new int[levelCount];
                    repetitions = new int[levelCount];
                }

                if (batch.TokenBuffer.Length < levelCount)
                {
                    batch.TokenBuffer = new int[levelCount];
                }

                if (batch.OffsetBuffer.Length < rows + 1)
                {
                    batch.OffsetBuffer = new int[rows + 1];
                }

                var count = await ReadGroupAsync(group, field, levelCount, definitions, repetitions, batch, values, file, cancellationToken).ConfigureAwait(false);
                values = count.Values;
                if (count.Rows != rows)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                        $"'{file}' row group {g}: the footer says {rows} rows, the data holds {count.Rows}."));
                }

                batch.File = file;
                batch.FirstDocument = first;
                batch.Count = count.Rows;
                first += rows;
                yield return batch;
            }
        }
    }

    private static async Task<(int Rows, Array? Values)> ReadGroupAsync(
        ParquetRowGroupReader group,
        DataField field,
        int levelCount,
        int[] definitions,
        int[] repetitions,
        DocumentBatch batch,
        Array? values,
        string file,
        CancellationToken cancellationToken)
    {
        var type = field.ClrType;
        if (type == typeof(int))
        {
            // The common case reads straight into the batch's token buffer.
            await group.ReadRawAsync<int>(field, batch.TokenBuffer.AsMemory(0, levelCount), definitions.AsMemory(0, levelCount), repetitions.AsMemory(0, levelCount), cancellationToken).ConfigureAwait(false);
            return (Assemble<int>(batch.TokenBuffer, field, levelCount, definitions, repetitions, batch, file), values);
        }

        if (type == typeof(long))
        {
            var buffer = Reuse<long>(values, levelCount);
            await group.ReadRawAsync<long>(field, buffer.AsMemory(0, levelCount), definitions.AsMemory(0, levelCount), repetitions.AsMemory(0, levelCount), cancellationToken).ConfigureAwait(false);
            return (Assemble(buffer, field, levelCount, definitions, repetitions, batch, file), buffer);
        }

        if (type == typeof(short))
        {
            var buffer = Reuse<short>(values, levelCount);
            await group.ReadRawAsync<short>(field, buffer.AsMemory(0, levelCount), definitions.AsMemory(0, levelCount), repetitions.AsMemory(0, levelCount), cancellationToken).ConfigureAwait(false);
            return (Assemble(buffer, field, levelCount, definitions, repetitions, batch, file), buffer);
        }

        if (type == typeof(ushort))
        {
            var buffer = Reuse<ushort>(values, levelCount);
            await group.ReadRawAsync<ushort>(field, buffer.AsMemory(0, levelCount), definitions.AsMemory(0, levelCount), repetitions.AsMemory(0, levelCount), cancellationToken).ConfigureAwait(false);
            return (Assemble(buffer, field, levelCount, definitions, repetitions, batch, file), buffer);
        }

        if (type == typeof(uint))
        {
            var buffer = Reuse<uint>(values, levelCount);
            await group.ReadRawAsync<uint>(field, buffer.AsMemory(0, levelCount), definitions.AsMemory(0, levelCount), repetitions.AsMemory(0, levelCount), cancellationToken).ConfigureAwait(false);
            return (Assemble(buffer, field, levelCount, definitions, repetitions, batch, file), buffer);
        }

        if (type == typeof(sbyte))
        {
            var buffer = Reuse<sbyte>(values, levelCount);
            await group.ReadRawAsync<sbyte>(field, buffer.AsMemory(0, levelCount), definitions.AsMemory(0, levelCount), repetitions.AsMemory(0, levelCount), cancellationToken).ConfigureAwait(false);
            return (Assemble(buffer, field, levelCount, definitions, repetitions, batch, file), buffer);
        }

        if (type == typeof(byte))
        {
            var buffer = Reuse<byte>(values, levelCount);
            await group.ReadRawAsync<byte>(field, buffer.AsMemory(0, levelCount), definitions.AsMemory(0, levelCount), repetitions.AsMemory(0, levelCount), cancellationToken).ConfigureAwait(false);
            return (Assemble(buffer, field, levelCount, definitions, repetitions, batch, file), buffer);
        }

        if (type == typeof(ulong))
        {
            var buffer = Reuse<ulong>(values, levelCount);
            await group.ReadRawAsync<ulong>(field, buffer.AsMemory(0, levelCount), definitions.AsMemory(0, levelCount), repetitions.AsMemory(0, levelCount), cancellationToken).ConfigureAwait(false);
            return (Assemble(buffer, field, levelCount, definitions, repetitions, batch, file), buffer);
        }

        throw new UserInputException($"Column '{field.Path}' of '{file}' holds {type.Name} values, not integers.");
    }

    private static T[] Reuse<T>(Array? values, int length) =>
        values is T[] typed && typed.Length >= length ? typed : new T[length];

    /// <summary>
    /// Turns raw values and levels into the batch: a row starts at repetition 0; a level at the maximum definition
    /// is a value (the raw reader packs present values densely); lower levels are a null or empty list, which
    /// become an empty document. A null element inside a list cannot be a token and is rejected.
    /// </summary>
    private static int Assemble<T>(T[] values, DataField field, int levelCount, int[] definitions, int[] repetitions, DocumentBatch batch, string file)
        where T : struct, System.Numerics.INumberBase<T>
    {
        var maxDefinition = field.MaxDefinitionLevel;
        var listPresent = maxDefinition - (field.IsNullable ? 1 : 0);
        var tokens = batch.TokenBuffer;
        var offsets = batch.OffsetBuffer;
        var rows = 0;
        var written = 0;
        var read = 0;
        for (var i = 0; i < levelCount; i++)
        {
            if (repetitions[i] == 0)
            {
                if (rows + 1 >= offsets.Length)
                {
                    Array.Resize(ref offsets, Math.Max(offsets.Length * 2, rows + 2));
                    batch.OffsetBuffer = offsets;
                }

                offsets[rows] = written;
                rows++;
            }

            var definition = definitions[i];
            if (definition == maxDefinition)
            {
                var value = values[read++];
                if (typeof(T) == typeof(int))
                {
                    tokens[written++] = (int)(object)value;
                }
                else
                {
                    tokens[written++] = ToToken(value, field, file);
                }
            }
            else if (definition >= listPresent && field.IsNullable)
            {
                throw new UserInputException($"Column '{field.Path}' of '{file}' has a null inside a list; token lists cannot hold nulls.");
            }
        }

        offsets[rows] = written;
        return rows;
    }

    private static int ToToken<T>(T value, DataField field, string file)
        where T : struct, System.Numerics.INumberBase<T>
    {
        try
        {
            return int.CreateChecked(value);
        }
        catch (OverflowException)
        {
            throw new UserInputException($"Column '{field.Path}' of '{file}' holds {value}, which does not fit a 32-bit token id.");
        }
    }

    private async Task<ParquetReader> OpenFileAsync(string file, CancellationToken cancellationToken)
    {
        try
        {
            return await ParquetFiles.OpenAsync(file, OpenOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or Parquet.ParquetException or InvalidDataException or NotSupportedException)
        {
            throw new UserInputException($"'{file}' is not a readable Parquet file: {ex.Message}", ex);
        }
    }

    private DataField FindColumn(ParquetSchema schema, string file)
    {
        Field? found = null;
        foreach (var field in schema.Fields)
        {
            if (string.Equals(field.Name, Column, StringComparison.Ordinal))
            {
                found = field;
                break;
            }
        }

        if (found is null)
        {
            var names = new List<string>();
            foreach (var field in schema.Fields)
            {
                names.Add(field.Name);
            }

            throw UserInputException.ForParameters($"'{file}' has no column '{Column}' (it has: {string.Join(", ", names)}); name the token column with {new Parameter("column")}.");
        }

        var data = found switch
        {
            ListField { Item: DataField item } => item,
            DataField { IsArray: true } array => array,
            _ => null,
        };
        if (data is null || !IsInteger(data.ClrType))
        {
            throw UserInputException.ForParameters($"Column '{Column}' of '{file}' is not a list of integers; name the token column with {new Parameter("column")}.");
        }

        return data;
    }

    private static bool IsInteger(Type type) =>
        type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(ushort)
        || type == typeof(uint) || type == typeof(sbyte) || type == typeof(byte) || type == typeof(ulong);
}
