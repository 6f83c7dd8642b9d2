using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PcfgLab.Storage;

/// <summary>What <see cref="NpyTokenExport"/> wrote, as recorded in <c>dataset.json</c>.</summary>
/// <param name="Format"><c>npy</c>.</param>
/// <param name="File">The token matrix's file name, in the dataset folder.</param>
/// <param name="DType">numpy dtype string: <c>&lt;u2</c> (uint16) or <c>&lt;i4</c> (int32).</param>
/// <param name="Documents">Rows of the matrix.</param>
/// <param name="Width">Columns: the longest document.</param>
/// <param name="LengthsFile">File of each row's length (int32) when documents differ in length, else null.</param>
/// <param name="Sha256">SHA-256 (hex) of the token matrix file.</param>
public sealed record ExportEntry(string Format, string File, string DType, long Documents, int Width, string? LengthsFile, string Sha256)
{
    /// <summary>The entry as <c>pcfglab export --json</c> prints it (<see cref="JsonConvention"/>, nulls left out).</summary>
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, ExportJsonContext.Convention.ExportEntry);
}

/// <summary>
/// Writes a dataset's documents as one NumPy <c>.npy</c> token matrix (documents x document length, uint16 when
/// every id fits, else int32), so a trainer with numpy alone (no pyarrow, as on Debian) memory-maps it. Documents
/// shorter than the widest (the reference profile's 255-token ones) are padded with 0 and their lengths go to
/// <see cref="LengthsFileName"/>. Files are written under temporary names and renamed when complete; the entry is
/// recorded in <c>dataset.json</c>.
/// </summary>
public static class NpyTokenExport
{
    /// <summary>File name of the token matrix.</summary>
    public const string TokensFileName = "tokens.npy";

    /// <summary>File name of the per-document lengths, written only when documents differ in length.</summary>
    public const string LengthsFileName = "document_lengths.npy";

    /// <summary>Exports the dataset in <paramref name="folder"/> (its Parquet shards) and records it in its manifest.</summary>
    public static async Task<ExportEntry> ExportAsync(string folder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        // The same lock generate takes: an export never interleaves with a generate or another export of the folder.
        using var folderLock = OutputFolderLock.Acquire(folder, "pcfglab export");
        var manifest = DatasetManifest.Load(folder);
        var reader = ParquetDatasetReader.Open(ShardsOnly(folder));

        // Pass 1: the shape, the widest document and the largest id (the dtype depends on it).
        long rows = 0;
        int width = 0, shortest = int.MaxValue, maxId = -1;
        await foreach (var batch in reader.ReadBatchesAsync(cancellationToken).ConfigureAwait(false))
        {
            var offsets = batch.Offsets;
            for (var i = 0; i < batch.Count; i++)
            {
                var length = offsets[i + 1] - offsets[i];
                width = Math.Max(width, length);
                shortest = Math.Min(shortest, length);
            }

            rows += batch.Count;
            maxId = Math.Max(maxId, ParquetDatasetWriter.MaxOf(batch.Tokens));
            if (batch.Tokens.Length > 0 && MinOf(batch.Tokens) < 0)
            {
                throw new UserInputException($"dataset '{folder}' holds a negative token id: it cannot be exported as token ids.");
            }
        }

        if (rows == 0 || width == 0)
        {
            throw new UserInputException($"dataset '{folder}' has no tokens to export.");
        }

        var narrow = maxId <= ushort.MaxValue;
        var dtype = narrow ? "<u2" : "<i4";
        var ragged = shortest != width;
        var tokensPath = Path.Combine(folder, TokensFileName);
        var lengthsPath = Path.Combine(folder, LengthsFileName);
        var lengths = ragged ? new int[checked((int)rows)] : null;

        await AtomicFile.WriteAsync(tokensPath, async tmp =>
        {
            await using var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
            WriteHeader(stream, dtype, [rows, width]);
            var row = new byte[width * (narrow ? 2 : 4)];
            long r = 0;
            await foreach (var batch in reader.ReadBatchesAsync(cancellationToken).ConfigureAwait(false))
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    var document = batch.Document(i);
                    Array.Clear(row);
                    Encode(document, row, narrow);
                    if (lengths is not null)
                    {
                        lengths[r] = document.Length;
                    }

                    r++;
                    stream.Write(row);
                }
            }
        }).ConfigureAwait(false);

        if (lengths is not null)
        {
            AtomicFile.Write(lengthsPath, tmp =>
            {
                using var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write);
                WriteHeader(stream, "<i4", [lengths.Length]);
                var bytes = new byte[lengths.Length * 4];
                for (var i = 0; i < lengths.Length; i++)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), lengths[i]);
                }

                stream.Write(bytes);
            });
        }
        else if (File.Exists(lengthsPath))
        {
            File.Delete(lengthsPath);
        }

        string hash;
        await using (var read = File.OpenRead(tokensPath))
        {
            hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(read, cancellationToken).ConfigureAwait(false));
        }

        var entry = new ExportEntry("npy", TokensFileName, dtype, rows, width, ragged ? LengthsFileName : null, hash);
        var others = manifest.Exports.Where(e => e.Format != entry.Format);
        (manifest with { Exports = [.. others, entry] }).Save(Path.Combine(folder, DatasetManifest.FileName));
        return entry;
    }

    /// <summary>The header of an .npy file, format version 1.0, padded so the data starts at a multiple of 64 bytes.</summary>
    internal static byte[] Header(string dtype, IReadOnlyList<long> shape)
    {
        var dims = shape.Count == 1
            ? shape[0].ToString(CultureInfo.InvariantCulture) + ","
            : string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
        var dict = $"{{'descr': '{dtype}', 'fortran_order': False, 'shape': ({dims}), }}";
        const int Preamble = 10; // magic (6) + version (2) + header length (2)
        var padded = (Preamble + dict.Length + 1 + 63) / 64 * 64;
        var text = dict.PadRight(padded - Preamble - 1) + "\n";
        var header = new byte[padded];
        header[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY", header.AsSpan(1));
        header[6] = 1;
        header[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)text.Length);
        Encoding.ASCII.GetBytes(text, header.AsSpan(Preamble));
        return header;
    }

    private static void WriteHeader(Stream stream, string dtype, IReadOnlyList<long> shape) => stream.Write(Header(dtype, shape));

    private static void Encode(ReadOnlySpan<int> document, Span<byte> row, bool narrow)
    {
        if (narrow)
        {
            for (var t = 0; t < document.Length; t++)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(row[(t * 2)..], (ushort)document[t]);
            }
        }
        else
        {
            for (var t = 0; t < document.Length; t++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(row[(t * 4)..], document[t]);
            }
        }
    }

    private static int MinOf(ReadOnlySpan<int> values)
    {
        var min = int.MaxValue;
        foreach (var v in values)
        {
            min = Math.Min(min, v);
        }

        return min;
    }

    private static string ShardsOnly(string folder)
    {
        if (!Directory.Exists(folder) || Directory.GetFiles(folder, "train-*.parquet").Length == 0)
        {
            throw new UserInputException($"'{folder}' has no train-*.parquet shards: give a dataset folder written by 'pcfglab generate'.");
        }

        return folder;
    }
}
