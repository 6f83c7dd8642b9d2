using System.IO.Compression;
using System.Text;

namespace PcfgLab.Compression.Corpora;

/// <summary>
/// Plain text files, one document per file, from a file or a folder walked recursively (see
/// <see cref="FileWalker"/>). Files are read in 1 MiB blocks and handed on in pieces that end at a line break,
/// so memory stays flat on files of any size. Files ending in <c>.gz</c> (man pages, Debian changelogs) are
/// decompressed on the fly. A file with a NUL byte in its first 8 KiB is skipped as binary, one that cannot be
/// opened, read or decompressed is skipped as unreadable; both are counted, not fatal. Bytes that are not UTF-8
/// become U+FFFD. Bytes read are counted on disk (compressed for <c>.gz</c>).
/// </summary>
internal sealed class TextFileCorpusSource : CorpusSource
{
    private const int BlockBytes = 1 << 20;
    private const int BinaryProbeBytes = 8192;

    // A line longer than this is cut anyway, so one huge line cannot hold the memory.
    private const int MaxPieceChars = 4 << 20;

    private readonly FileWalker _walker;
    private long? _totalBytes;

    /// <summary>Creates a source over <paramref name="path"/> with the given include and exclude patterns.</summary>
    public TextFileCorpusSource(string path, IEnumerable<string>? includes = null, IEnumerable<string>? excludes = null)
        : base(path)
    {
        _walker = new FileWalker(includes, excludes);
    }

    /// <inheritdoc/>
    public override string Description => "text files";

    /// <inheritdoc/>
    public override bool HasTokens => false;

    /// <inheritdoc/>
    public override long TotalBytes
    {
        get
        {
            if (_totalBytes is null)
            {
                long total = 0;
                foreach (var file in _walker.Files(Path))
                {
                    try
                    {
                        total += file.Length;
                    }
                    catch (IOException)
                    {
                        // Counted as unreadable when it is read.
                    }
                }

                _totalBytes = total;
            }

            return _totalBytes.Value;
        }
    }

    /// <inheritdoc/>
    public override async Task ReadAsync(ICorpusSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var bytes = new byte[BlockBytes];
        var chars = new char[BlockBytes + 16];
        var pending = new char[BlockBytes * 2];
        foreach (var file in _walker.Files(Path))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await ReadFileAsync(file, sink, bytes, chars, pending, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ReadFileAsync(FileInfo file, ICorpusSink sink, byte[] bytes, char[] chars, char[] pendingBuffer, CancellationToken cancellationToken)
    {
        FileStream diskStream;
        Stream stream;
        try
        {
            diskStream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            stream = file.Name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(diskStream, CompressionMode.Decompress) : diskStream;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            sink.Skipped(file.FullName, "unreadable");
            return;
        }

        await using (stream.ConfigureAwait(false))
        {
            long reported = 0;
            var decoder = new UTF8Encoding(false, false).GetDecoder();
            var pending = pendingBuffer;
            var pendingCount = 0;
            var first = true;
            var started = false;
            while (true)
            {
                int read;
                try
                {
                    read = await ReadBlockAsync(stream, bytes, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    // Count the whole file as read, so that progress and throughput add up to the input size.
                    sink.BytesRead(Math.Max(0, file.Length - reported));
                    sink.Skipped(file.FullName, "unreadable");
                    if (started)
                    {
                        sink.EndDocument();
                    }

                    return;
                }

                var position = diskStream.Position;
                sink.BytesRead(position - reported);
                reported = position;
                if (first)
                {
                    first = false;
                    if (bytes.AsSpan(0, Math.Min(read, BinaryProbeBytes)).Contains((byte)0))
                    {
                        sink.BytesRead(Math.Max(0, file.Length - reported));
                        sink.Skipped(file.FullName, "binary");
                        return;
                    }
                }

                var last = read == 0;
                var decoded = decoder.GetChars(bytes, 0, read, chars, 0, flush: last);
                if (pendingCount + decoded > pending.Length)
                {
                    Array.Resize(ref pending, Math.Max(pending.Length * 2, pendingCount + decoded));
                }

                chars.AsSpan(0, decoded).CopyTo(pending.AsSpan(pendingCount));
                pendingCount += decoded;
                var cut = last ? pendingCount : pending.AsSpan(0, pendingCount).LastIndexOf('\n') + 1;
                if (cut == 0 && pendingCount > MaxPieceChars)
                {
                    cut = pendingCount;
                }

                if (cut > 0)
                {
                    started = true;
                    sink.AppendText(pending.AsSpan(0, cut));
                    pending.AsSpan(cut, pendingCount - cut).CopyTo(pending);
                    pendingCount -= cut;
                }

                if (last)
                {
                    break;
                }
            }

            sink.EndDocument();
        }
    }

    private static async Task<int> ReadBlockAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
