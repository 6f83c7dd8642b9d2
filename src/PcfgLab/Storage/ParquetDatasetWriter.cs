using System.Globalization;
using Parquet.Schema;

namespace PcfgLab.Storage;

/// <summary>
/// Writes one Parquet file of token documents: one row per document in a <c>list&lt;int32&gt;</c> column
/// <c>input_ids</c> (the Hugging Face layout), row group by row group, with the footer keys <c>huggingface</c>
/// (feature description) and whatever the caller adds (this tool adds <c>pcfglab</c>). Pages and footer are encoded
/// here (<see cref="TokenColumnEncoder"/>, <see cref="ParquetFooter"/>), not by Parquet.Net's general writer: token ids
/// are bit-packed against an identity dictionary, which DuckDB, Arrow and Parquet.Net read like any dictionary column.
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

    /// <summary>
    /// The Hugging Face <c>datasets</c> feature description of an <c>input_ids</c> list of int32. <c>Sequence</c> with
    /// <c>length</c> -1 is read by <c>datasets</c> 2.x and 3.x (which do not know <c>List</c>, and some of which require
    /// <c>length</c>) and by 4.x (which reads it as <c>List</c>).
    /// </summary>
    public const string HuggingFaceFeatures =
        "{\"info\":{\"features\":{\"input_ids\":{\"feature\":{\"dtype\":\"int32\",\"_type\":\"Value\"},\"length\":-1,\"_type\":\"Sequence\"}}}}";

    private static readonly byte[] Magic = "PAR1"u8.ToArray();

    private readonly FileStream _stream;
    private readonly TokenColumnEncoder _encoder;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _footer;
    private readonly List<TokenColumnChunk> _chunks = [];
    private bool _closed;
    private bool _committed;

    private ParquetDatasetWriter(string path, string temporaryPath, FileStream stream, ParquetCompression compression, IReadOnlyList<KeyValuePair<string, string>> footer)
    {
        FinalPath = path;
        TemporaryPath = temporaryPath;
        _stream = stream;
        _encoder = new TokenColumnEncoder(compression);
        _footer = footer;
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
        compression.Validate();
        var full = Path.GetFullPath(path);
        AtomicFile.EnsureReplaceable(full);
        var temporary = AtomicFile.TemporaryPathFor(full);
        var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.None);
        try
        {
            var footer = new List<KeyValuePair<string, string>> { new(HuggingFaceKey, HuggingFaceFeatures) };
            if (metadata is not null)
            {
                foreach (var (key, value) in metadata)
                {
                    footer.RemoveAll(kv => kv.Key == key);
                    footer.Add(new(key, value));
                }
            }

            await stream.WriteAsync(Magic, cancellationToken).ConfigureAwait(false);
            return new ParquetDatasetWriter(full, temporary, stream, compression, footer);
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
    public Task WriteRowGroupAsync(ReadOnlyMemory<int> tokens, int documentLength, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(documentLength, 1);
        if (tokens.Length == 0 || tokens.Length % documentLength != 0)
        {
            throw new ArgumentException("The row group must hold a whole, positive number of documents.", nameof(tokens));
        }

        EnsureOpen();
        cancellationToken.ThrowIfCancellationRequested();

        // Encoding is CPU work on the caller's thread (a pipeline worker): the pages go to the file stream's buffer
        // or straight to the file, so there is nothing to await.
        Add(_encoder.WriteFixed(_stream, tokens.Span, documentLength), tokens.Length);
        return Task.CompletedTask;
    }

    /// <summary>Writes one row group of documents of any lengths (an empty document is an empty list).</summary>
    /// <param name="tokens">The documents one after the other.</param>
    /// <param name="documentLengths">Length of each document; they sum to the token count.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public Task WriteRowGroupAsync(ReadOnlyMemory<int> tokens, ReadOnlyMemory<int> documentLengths, CancellationToken cancellationToken = default)
    {
        if (documentLengths.Length == 0)
        {
            throw new ArgumentException("A row group needs at least one document.", nameof(documentLengths));
        }

        var total = 0L;
        foreach (var length in documentLengths.Span)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length, nameof(documentLengths));
            total += length;
        }

        if (total != tokens.Length)
        {
            throw new ArgumentException("Document lengths do not add up to the number of tokens.", nameof(documentLengths));
        }

        EnsureOpen();
        cancellationToken.ThrowIfCancellationRequested();
        Add(_encoder.WriteVariable(_stream, tokens.Span, documentLengths.Span), tokens.Length);
        return Task.CompletedTask;
    }

    /// <summary>Writes the footer and closes the temporary file (not yet renamed). Returns the file's size.</summary>
    public async Task<long> CloseAsync()
    {
        if (_closed)
        {
            return ByteCount;
        }

        _closed = true;
        _encoder.Dispose();
        var footer = ParquetFooter.Write(_chunks, _footer, _encoder.CodecId);
        var tail = new byte[footer.Length + 8];
        footer.CopyTo(tail);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(tail.AsSpan(footer.Length), footer.Length);
        Magic.CopyTo(tail, footer.Length + 4);
        await _stream.WriteAsync(tail).ConfigureAwait(false);
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
        _closed = true;
        _encoder.Dispose();

        // Idempotent, and needed when CloseAsync itself failed half-way.
        await _stream.DisposeAsync().ConfigureAwait(false);

        if (!_committed && File.Exists(TemporaryPath))
        {
            File.Delete(TemporaryPath);
        }
    }

    private void EnsureOpen() => ObjectDisposedException.ThrowIf(_closed, this);

    private void Add(TokenColumnChunk chunk, int tokens)
    {
        _chunks.Add(chunk);
        DocumentCount += chunk.Rows;
        TokenCount += tokens;
        if (tokens > 0)
        {
            MaxTokenId = Math.Max(MaxTokenId, chunk.Max);
        }

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
}
