using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace PcfgLab.Storage;

/// <summary>
/// Writes one Parquet file of token documents: one row per document in a <c>list&lt;int32&gt;</c> column
/// <c>input_ids</c> (the Hugging Face layout), row group by row group, with the footer keys <c>huggingface</c>
/// (feature description) and whatever the caller adds (this tool adds <c>pcfglab</c>).
/// The file is written under a temporary name in the destination folder; <see cref="CloseAsync"/> finishes it and
/// <see cref="Commit"/> renames it. Disposing a writer that was not committed deletes the temporary file, so a
/// failure or a cancellation leaves nothing half-written. Not thread-safe.
/// </summary>
public sealed class ParquetDatasetWriter : IAsyncDisposable
{
    /// <summary>Name of the token column.</summary>
    public const string TokenColumn = "input_ids";

    /// <summary>Footer key of the Hugging Face feature description.</summary>
    public const string HuggingFaceKey = "huggingface";

    /// <summary>Footer key of this tool's description of the file.</summary>
    public const string ToolKey = "pcfglab";

    /// <summary>The Hugging Face <c>datasets</c> feature description of an <c>input_ids</c> list of int32.</summary>
    public const string HuggingFaceFeatures =
        "{\"info\":{\"features\":{\"input_ids\":{\"feature\":{\"dtype\":\"int32\",\"_type\":\"Value\"},\"_type\":\"List\"}}}}";

    // Levels of list<int32> with an optional list and a required element: definition 2 = element present,
    // 1 = empty list; repetition 0 = first element of a row, 1 = continuation.
    private const int PresentDefinition = 2;
    private const int EmptyListDefinition = 1;

    private readonly ParquetWriter _writer;
    private readonly FileStream _stream;
    private readonly DataField _element;
    private int[] _definitions = [];
    private int[] _repetitions = [];
    private bool _closed;
    private bool _committed;

    private ParquetDatasetWriter(string path, string temporaryPath, FileStream stream, ParquetWriter writer, DataField element)
    {
        FinalPath = path;
        TemporaryPath = temporaryPath;
        _stream = stream;
        _writer = writer;
        _element = element;
    }

    /// <summary>Path the file gets once committed.</summary>
    public string FinalPath { get; }

    /// <summary>Temporary path written until the file is committed.</summary>
    public string TemporaryPath { get; }

    /// <summary>Documents (rows) written so far.</summary>
    public long DocumentCount { get; private set; }

    /// <summary>Tokens written so far.</summary>
    public long TokenCount { get; private set; }

    /// <summary>The largest token id written so far, or -1 before any token (a model needs a vocabulary of this + 1).</summary>
    public int MaxTokenId { get; private set; } = -1;

    /// <summary>Row groups written so far.</summary>
    public int RowGroupCount { get; private set; }

    /// <summary>Size in bytes of the finished file (after <see cref="CloseAsync"/>).</summary>
    public long ByteCount { get; private set; }

    /// <summary>Name of shard <paramref name="index"/> of <paramref name="count"/>: <c>train-00000-of-00004.parquet</c>.</summary>
    public static string ShardFileName(int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        return string.Create(CultureInfo.InvariantCulture, $"train-{index:D5}-of-{count:D5}.parquet");
    }

    /// <summary>The Parquet schema of the files this tool writes.</summary>
    public static ParquetSchema CreateSchema() =>
        new(new ListField(TokenColumn, new DataField<int>("element")));

    /// <summary>Starts a file that will be committed to <paramref name="path"/>.</summary>
    /// <param name="path">Final path of the file; its folder must exist.</param>
    /// <param name="compression">Page codec.</param>
    /// <param name="metadata">Extra footer key/values (the <c>huggingface</c> key is always added).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<ParquetDatasetWriter> CreateAsync(
        string path,
        ParquetCompression compression,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(compression);
        var full = Path.GetFullPath(path);
        AtomicFile.EnsureReplaceable(full);
        var temporary = AtomicFile.TemporaryPathFor(full);
        var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20, FileOptions.None);
        try
        {
            var schema = CreateSchema();
            var element = schema.DataFields[0];
            var writer = await ParquetWriter.CreateAsync(schema, stream, compression.ToParquetOptions(), append: false, cancellationToken).ConfigureAwait(false);
            var footer = new Dictionary<string, string>(StringComparer.Ordinal) { [HuggingFaceKey] = HuggingFaceFeatures };
            if (metadata is not null)
            {
                foreach (var (key, value) in metadata)
                {
                    footer[key] = value;
                }
            }

            writer.CustomMetadata = footer;
            return new ParquetDatasetWriter(full, temporary, stream, writer, element);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Writes one row group of documents that all have <paramref name="documentLength"/> tokens.</summary>
    /// <param name="tokens">The documents one after the other; its length is a multiple of the document length.</param>
    /// <param name="documentLength">Tokens per document (at least 1).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task WriteRowGroupAsync(ReadOnlyMemory<int> tokens, int documentLength, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(documentLength, 1);
        if (tokens.Length == 0 || tokens.Length % documentLength != 0)
        {
            throw new ArgumentException("The row group must hold a whole, positive number of documents.", nameof(tokens));
        }

        EnsureOpen();

        // The level arrays of fixed-length documents are periodic: one pair, built once for the largest row group
        // and sliced for smaller ones, serves every row group of every file (they are only read).
        var (definitions, repetitions) = FixedLevels.Get(documentLength, tokens.Length);
        await WriteLevelsAsync(tokens, definitions, repetitions, tokens.Length, tokens.Length / documentLength, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes one row group of documents of any lengths (an empty document is an empty list).</summary>
    /// <param name="tokens">The documents one after the other.</param>
    /// <param name="documentLengths">Length of each document; they sum to the token count.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task WriteRowGroupAsync(ReadOnlyMemory<int> tokens, ReadOnlyMemory<int> documentLengths, CancellationToken cancellationToken = default)
    {
        if (documentLengths.Length == 0)
        {
            throw new ArgumentException("A row group needs at least one document.", nameof(documentLengths));
        }

        EnsureOpen();
        var levelCount = FillVariableLevels(documentLengths.Span, tokens.Length);
        await WriteLevelsAsync(tokens, _definitions, _repetitions, levelCount, documentLengths.Length, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the footer and closes the temporary file (not yet renamed). Returns the file's size.</summary>
    public async Task<long> CloseAsync()
    {
        if (_closed)
        {
            return ByteCount;
        }

        _closed = true;

        // A dataset keeps every closed writer until it commits them all: drop the level buffers now.
        _definitions = [];
        _repetitions = [];
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _stream.FlushAsync().ConfigureAwait(false);
        ByteCount = _stream.Length;
        await _stream.DisposeAsync().ConfigureAwait(false);
        return ByteCount;
    }

    /// <summary>Renames the closed temporary file to <see cref="FinalPath"/>, replacing any file there.</summary>
    public void Commit()
    {
        if (!_closed)
        {
            throw new InvalidOperationException("Close the writer before committing it.");
        }

        if (!_committed)
        {
            AtomicFile.Commit(TemporaryPath, FinalPath);
            _committed = true;
        }
    }

    /// <summary>Closes and commits in one step.</summary>
    public async Task<long> CompleteAsync()
    {
        var bytes = await CloseAsync().ConfigureAwait(false);
        Commit();
        return bytes;
    }

    /// <summary>Closes the file if needed and deletes it unless it was committed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_closed)
        {
            _closed = true;
            try
            {
                await _writer.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The file is deleted below: a footer that could not be written does not matter.
            }
            catch (InvalidOperationException)
            {
                // Same: a row group left unfinished by a failure makes the footer unwritable, and it is discarded.
            }
        }

        // Idempotent, and needed when CloseAsync itself failed half-way.
        await _stream.DisposeAsync().ConfigureAwait(false);

        if (!_committed && File.Exists(TemporaryPath))
        {
            File.Delete(TemporaryPath);
        }
    }

    private static void FillDefinitions(Span<int> definitions) => definitions.Fill(PresentDefinition);

    private void EnsureOpen() => ObjectDisposedException.ThrowIf(_closed, this);

    private void EnsureCapacity(int levelCount)
    {
        if (_definitions.Length < levelCount)
        {
            _definitions = new int[levelCount];
            _repetitions = new int[levelCount];
        }
    }

    private int FillVariableLevels(ReadOnlySpan<int> lengths, int tokenCount)
    {
        var empties = 0;
        var total = 0L;
        foreach (var length in lengths)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            total += length;
            if (length == 0)
            {
                empties++;
            }
        }

        if (total != tokenCount)
        {
            throw new ArgumentException("Document lengths do not add up to the number of tokens.", nameof(lengths));
        }

        var levelCount = tokenCount + empties;
        EnsureCapacity(levelCount);
        var defs = _definitions.AsSpan(0, levelCount);
        var reps = _repetitions.AsSpan(0, levelCount);
        FillDefinitions(defs);
        reps.Fill(1);
        var position = 0;
        foreach (var length in lengths)
        {
            reps[position] = 0;
            if (length == 0)
            {
                defs[position] = EmptyListDefinition;
                position++;
            }
            else
            {
                position += length;
            }
        }

        return levelCount;
    }

    private async Task WriteLevelsAsync(ReadOnlyMemory<int> tokens, int[] definitions, int[] repetitions, int levelCount, int documents, CancellationToken cancellationToken)
    {
        using (var group = _writer.CreateRowGroup())
        {
            await group.WriteAllPartsAsync(
                _element,
                tokens,
                new ReadOnlyMemory<int>(definitions, 0, levelCount),
                new ReadOnlyMemory<int>(repetitions, 0, levelCount),
                cancellationToken).ConfigureAwait(false);
            group.CompleteValidate();
        }

        DocumentCount += documents;
        TokenCount += tokens.Length;
        MaxTokenId = Math.Max(MaxTokenId, MaxOf(tokens.Span));
        RowGroupCount++;
    }

    /// <summary>The largest value of <paramref name="values"/>, or -1 when it is empty (vectorised: it sees every token).</summary>
    internal static int MaxOf(ReadOnlySpan<int> values)
    {
        var max = -1;
        var i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated && values.Length >= System.Numerics.Vector<int>.Count)
        {
            var best = new System.Numerics.Vector<int>(-1);
            var lanes = System.Runtime.InteropServices.MemoryMarshal.Cast<int, System.Numerics.Vector<int>>(values);
            foreach (var lane in lanes)
            {
                best = System.Numerics.Vector.Max(best, lane);
            }

            for (var k = 0; k < System.Numerics.Vector<int>.Count; k++)
            {
                max = Math.Max(max, best[k]);
            }

            i = lanes.Length * System.Numerics.Vector<int>.Count;
        }

        for (; i < values.Length; i++)
        {
            max = Math.Max(max, values[i]);
        }

        return max;
    }

    /// <summary>Read-only level arrays of fixed-length documents, shared by all writers of the process.</summary>
    private static class FixedLevels
    {
        private static readonly Lock Gate = new();
        private static int _documentLength;
        private static int[] _definitions = [];
        private static int[] _repetitions = [];

        public static (int[] Definitions, int[] Repetitions) Get(int documentLength, int levelCount)
        {
            lock (Gate)
            {
                if (_documentLength != documentLength || _repetitions.Length < levelCount)
                {
                    // Replaced, never modified: writers still holding the old pair keep reading valid levels.
                    var definitions = new int[levelCount];
                    var repetitions = new int[levelCount];
                    FillDefinitions(definitions);
                    repetitions.AsSpan().Fill(1);
                    for (var i = 0; i < levelCount; i += documentLength)
                    {
                        repetitions[i] = 0;
                    }

                    (_documentLength, _definitions, _repetitions) = (documentLength, definitions, repetitions);
                }

                return (_definitions, _repetitions);
            }
        }
    }
}
