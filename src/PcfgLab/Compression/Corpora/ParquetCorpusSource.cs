using Parquet;
using Parquet.Schema;

namespace PcfgLab.Compression.Corpora;

/// <summary>
/// A Parquet file, or every <c>*.parquet</c> file under a folder (datasets this tool writes included): each row
/// of a column is one document. The column holds either integer lists (token ids, <c>input_ids</c> by default,
/// as Hugging Face datasets store them) or strings (text, <c>text</c> by default). Null rows are skipped.
/// </summary>
internal sealed class ParquetCorpusSource : CorpusSource
{
    /// <summary>The default token column.</summary>
    public const string DefaultTokenColumn = "input_ids";

    /// <summary>The default text column.</summary>
    public const string DefaultTextColumn = "text";

    private readonly FileInfo[] _files;
    private readonly string _column;
    private readonly bool _hasTokens;
    private readonly ParquetOpenOptions _openOptions;

    private ParquetCorpusSource(string path, FileInfo[] files, string column, bool hasTokens, ParquetOpenOptions openOptions)
        : base(path)
    {
        _files = files;
        _column = column;
        _hasTokens = hasTokens;
        _openOptions = openOptions;
    }

    /// <inheritdoc/>
    public override string Description => "parquet " + _column;

    /// <inheritdoc/>
    public override bool HasTokens => _hasTokens;

    /// <summary>The column read.</summary>
    public string Column => _column;

    /// <inheritdoc/>
    public override long TotalBytes => _files.Sum(f => f.Length);

    /// <summary>The Parquet files, in reading order.</summary>
    public IReadOnlyList<string> Files => [.. _files.Select(f => f.FullName)];

    /// <summary>
    /// Opens <paramref name="path"/>, choosing the column: <paramref name="column"/> when given, else
    /// <c>input_ids</c> when the first file has it, else <c>text</c>. Throws <see cref="UserInputException"/>
    /// when there is no Parquet file or the column is missing or of another type.
    /// </summary>
    public static Task<ParquetCorpusSource> OpenAsync(string path, string? column, CancellationToken cancellationToken) =>
        OpenAsync(path, column, ParquetOpenOptions.WithAdvice("write it again, or measure another copy"), cancellationToken);

    /// <summary>Opens as <see cref="OpenAsync(string, string?, CancellationToken)"/>, each file with <paramref name="openOptions"/>.</summary>
    internal static async Task<ParquetCorpusSource> OpenAsync(string path, string? column, ParquetOpenOptions openOptions, CancellationToken cancellationToken)
    {
        var files = new FileWalker(["*.parquet"]).Files(path).ToArray();
        if (files.Length == 0)
        {
            throw new UserInputException($"{path} holds no .parquet file.");
        }

        ParquetSchema schema;
        var reader = await OpenReaderAsync(files[0], openOptions, cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            schema = reader.Schema;
        }

        var chosen = column ?? (FindTopLevel(schema, DefaultTokenColumn) is not null ? DefaultTokenColumn : DefaultTextColumn);
        ResolveColumn(schema, chosen, files[0].FullName, out var hasTokens);
        return new ParquetCorpusSource(path, files, chosen, hasTokens, openOptions);
    }

    /// <inheritdoc/>
    public override async Task ReadAsync(ICorpusSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        int[] tokens = [];
        foreach (var file in _files)
        {
            var reader = await OpenReaderAsync(file, _openOptions, cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var field = ResolveColumn(reader.Schema, _column, file.FullName, out var hasTokens);
                if (hasTokens != _hasTokens)
                {
                    throw new UserInputException($"{file.FullName}: column '{_column}' holds {(hasTokens ? "token lists" : "text")}, unlike the first file.");
                }

                long reportedBytes = 0;
                for (var g = 0; g < reader.RowGroupCount; g++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var rowGroup = reader.OpenRowGroupReader(g);
                    if (hasTokens)
                    {
                        tokens = await ReadTokenRowsAsync(rowGroup, field, sink, tokens, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await ReadTextRowsAsync(rowGroup, field, sink, cancellationToken).ConfigureAwait(false);
                    }

                    var bytes = file.Length * (g + 1) / reader.RowGroupCount;
                    sink.BytesRead(bytes - reportedBytes);
                    reportedBytes = bytes;
                }
            }
        }
    }

    private static async Task<int[]> ReadTokenRowsAsync(ParquetRowGroupReader rowGroup, DataField field, ICorpusSink sink, int[] row, CancellationToken cancellationToken)
    {
        var levelCount = checked((int)(rowGroup.GetMetadata(field)?.MetaData?.NumValues ?? 0));
        var values = new int[levelCount];
        var definitions = new int[levelCount];
        var repetitions = new int[levelCount];
        if (field.ClrType == typeof(long))
        {
            var longs = new long[levelCount];
            await rowGroup.ReadRawAsync<long>(field, longs, definitions, repetitions, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < longs.Length; i++)
            {
                values[i] = checked((int)longs[i]);
            }
        }
        else
        {
            await rowGroup.ReadRawAsync<int>(field, values, definitions, repetitions, cancellationToken).ConfigureAwait(false);
        }

        // Rows start where the repetition level is 0; an element is present where the definition level is the maximum.
        var maxDefinition = field.MaxDefinitionLevel;
        var valueIndex = 0;
        var rowLength = 0;
        var inRow = false;
        for (var i = 0; i < repetitions.Length; i++)
        {
            if (repetitions[i] == 0 && inRow)
            {
                sink.AppendTokens(row.AsSpan(0, rowLength));
                sink.EndDocument();
                rowLength = 0;
            }

            inRow = true;
            if (definitions[i] == maxDefinition)
            {
                if (rowLength == row.Length)
                {
                    Array.Resize(ref row, Math.Max(256, row.Length * 2));
                }

                row[rowLength++] = values[valueIndex++];
            }
        }

        if (inRow)
        {
            sink.AppendTokens(row.AsSpan(0, rowLength));
            sink.EndDocument();
        }

        return row;
    }

    private static async Task ReadTextRowsAsync(ParquetRowGroupReader rowGroup, DataField field, ICorpusSink sink, CancellationToken cancellationToken)
    {
        var rows = checked((int)rowGroup.RowCount);
        var texts = new string?[rows];
        await rowGroup.ReadAsync(field, texts.AsMemory(), null, cancellationToken).ConfigureAwait(false);
        foreach (var text in texts)
        {
            if (text is null)
            {
                continue;
            }

            sink.AppendText(text);
            sink.EndDocument();
        }
    }

    private static async Task<ParquetReader> OpenReaderAsync(FileInfo file, ParquetOpenOptions openOptions, CancellationToken cancellationToken)
    {
        try
        {
            return await ParquetFiles.OpenAsync(file.FullName, openOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not UserInputException)
        {
            throw new UserInputException($"{file.FullName} is not a readable Parquet file ({ex.Message.ReplaceLineEndings(" ")}).", ex);
        }
    }

    private static Field? FindTopLevel(ParquetSchema schema, string name)
    {
        foreach (var field in schema.Fields)
        {
            if (field.Name == name)
            {
                return field;
            }
        }

        return null;
    }

    private static DataField ResolveColumn(ParquetSchema schema, string column, string file, out bool hasTokens)
    {
        var field = FindTopLevel(schema, column);
        if (field is null)
        {
            var names = string.Join(", ", schema.Fields.Select(f => f.Name));
            throw UserInputException.ForParameters($"{file} has no column '{column}' (its columns: {names}); choose one with {new Parameter("column")}.");
        }

        if (field is ListField { Item: DataField item } && (item.ClrType == typeof(int) || item.ClrType == typeof(long)))
        {
            hasTokens = true;
            return item;
        }

        if (field is DataField { IsArray: true } array && (array.ClrType == typeof(int) || array.ClrType == typeof(long)))
        {
            hasTokens = true;
            return array;
        }

        // Parquet.Net 6 reports UTF-8 string columns as ReadOnlyMemory<char>.
        if (field is DataField data && (data.ClrType == typeof(string) || data.ClrType == typeof(ReadOnlyMemory<char>)) && !data.IsArray)
        {
            hasTokens = false;
            return data;
        }

        throw UserInputException.ForParameters($"{file}: column '{column}' holds neither integer lists (token ids) nor strings (text); choose another with {new Parameter("column")}.");
    }
}
