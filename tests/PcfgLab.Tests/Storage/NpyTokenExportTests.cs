using System.Buffers.Binary;
using System.Text;
using PcfgLab.Generation;
using PcfgLab.Grammars;
using PcfgLab.Sampling;
using PcfgLab.Storage;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Storage;

public sealed class NpyTokenExportTests : IDisposable
{
    private static readonly GrammarSpec Spec = new(10, 150, 5, 3);
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-npy-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void The_header_is_numpy_format_1_0_padded_to_64_bytes()
    {
        var header = NpyTokenExport.Header("<u2", [3, 256]);

        // 10 bytes of preamble, a 61-character dictionary and a newline: padded to 128.
        Assert.Equal(128, header.Length);
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, header[..8]);
        Assert.Equal(128 - 10, BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8)));
        var text = Encoding.ASCII.GetString(header, 10, header.Length - 10);
        Assert.StartsWith("{'descr': '<u2', 'fortran_order': False, 'shape': (3, 256), }", text, StringComparison.Ordinal);
        Assert.EndsWith(" \n", text, StringComparison.Ordinal);
        var vector = NpyTokenExport.Header("<i4", [5]);
        Assert.Equal(128, vector.Length); // 10 + 57 + 1 bytes would not fit in 64: 128 again
        Assert.Contains("'shape': (5,)", Encoding.ASCII.GetString(vector), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_matrix_holds_the_parquet_documents_row_by_row_and_the_manifest_records_it()
    {
        var folder = await Generate("fast", GenerationProfile.Fast, tokens: 40 * 256);
        var parquet = await ReadParquet(folder);

        var entry = await NpyTokenExport.ExportAsync(folder);

        Assert.Equal(new ExportEntry("npy", "tokens.npy", "<u2", 40, 256, null, entry.Sha256), entry);
        var (dtype, shape, rows) = ReadNpy(Path.Combine(folder, NpyTokenExport.TokensFileName));
        Assert.Equal("<u2", dtype);
        Assert.Equal([40L, 256L], shape);
        Assert.Equal(parquet, rows);
        Assert.False(File.Exists(Path.Combine(folder, NpyTokenExport.LengthsFileName)));
        var manifest = DatasetManifest.Load(folder);
        Assert.Equal(entry, Assert.Single(manifest.Exports));
        Assert.DoesNotContain(Directory.GetFiles(folder), f => AtomicFile.IsTemporaryName(Path.GetFileName(f))); // no temporary file left
    }

    [Fact]
    public async Task Exporting_twice_keeps_one_entry()
    {
        var folder = await Generate("twice", GenerationProfile.Fast, tokens: 8 * 256);
        await NpyTokenExport.ExportAsync(folder);
        var second = await NpyTokenExport.ExportAsync(folder);
        Assert.Equal(second, Assert.Single(DatasetManifest.Load(folder).Exports));
    }

    [Fact]
    public async Task Documents_of_different_lengths_are_padded_and_their_lengths_written()
    {
        // The reference profile's documents hold 255 or 256 tokens.
        var folder = await Generate("reference", GenerationProfile.Reference, tokens: 30 * 256);
        var parquet = await ReadParquet(folder);
        Assert.Contains(parquet, d => d.Length == 255);

        var entry = await NpyTokenExport.ExportAsync(folder);

        Assert.Equal(NpyTokenExport.LengthsFileName, entry.LengthsFile);
        var (_, shape, rows) = ReadNpy(Path.Combine(folder, NpyTokenExport.TokensFileName));
        var (lengthType, _, lengths) = ReadNpy(Path.Combine(folder, NpyTokenExport.LengthsFileName));
        Assert.Equal("<i4", lengthType);
        Assert.Equal(parquet.Length, shape[0]);
        for (var i = 0; i < parquet.Length; i++)
        {
            Assert.Equal(parquet[i].Length, lengths[0][i]);
            Assert.Equal(parquet[i], rows[i][..parquet[i].Length]);
            Assert.All(rows[i][parquet[i].Length..], t => Assert.Equal(0, t));
        }
    }

    [TorchFact]
    public async Task Numpy_reads_the_same_tokens_as_the_parquet_reader()
    {
        var folder = await Generate("numpy", GenerationProfile.Fast, tokens: 20 * 256);
        var parquet = await ReadParquet(folder);
        await NpyTokenExport.ExportAsync(folder);

        // The adapter's own reader (token_data.py), memory-mapping tokens.npy with numpy.
        var script = "import sys; sys.path.insert(0, 'src/trainers/torch'); import token_data; "
            + "v, s, e, src = token_data.read_documents(sys.argv[1]); "
            + "print(src); print(len(s)); print(' '.join(str(int(x)) for x in v[s[3]:e[3]]))";
        var (code, stdout, stderr) = TorchPython.Run(["-c", script, folder]);

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n');
        Assert.Equal("npy", lines[0]);
        Assert.Equal("20", lines[1]);
        Assert.Equal(string.Join(' ', parquet[3]), lines[2]);
    }

    [Fact]
    public async Task An_export_fails_at_once_while_another_writer_holds_the_folder()
    {
        var folder = await Generate("locked", GenerationProfile.Fast, tokens: 4 * 256);
        using (OutputFolderLock.Acquire(folder, "a test standing in for a running generate"))
        {
            var error = await Assert.ThrowsAsync<UserInputException>(() => NpyTokenExport.ExportAsync(folder));
            Assert.Contains("a test standing in for a running generate", error.Message, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(Path.Combine(folder, NpyTokenExport.TokensFileName)));
        await NpyTokenExport.ExportAsync(folder); // free again
    }

    [Fact]
    public async Task A_folder_without_shards_is_a_user_error()
    {
        var folder = await Generate("empty", GenerationProfile.Fast, tokens: 256);
        foreach (var shard in Directory.GetFiles(folder, "*.parquet"))
        {
            File.Delete(shard);
        }

        var error = await Assert.ThrowsAsync<UserInputException>(() => NpyTokenExport.ExportAsync(folder));
        Assert.Contains("has no train-*.parquet shards", error.Message, StringComparison.Ordinal);
    }

    private async Task<string> Generate(string name, GenerationProfile profile, long tokens)
    {
        var folder = Path.Combine(_root.FullName, name);
        var grammar = profile == GenerationProfile.Reference
            ? new DatasetGrammar(new ReferenceSampler(Spec, new Seed(1)).Grammar, Spec, null, "spec")
            : new DatasetGrammar(RandomGrammarBuilder.Build(Spec, 1), Spec, null, "spec");
        await DatasetGenerator.GenerateAsync(grammar, new GenerationOptions
        {
            OutputFolder = folder, Tokens = tokens, Seed = new(1), Profile = profile, RowGroupDocuments = 16, GzipDocuments = 10,
        });
        return folder;
    }

    private static async Task<int[][]> ReadParquet(string folder)
    {
        var documents = new List<int[]>();
        await foreach (var document in ParquetDatasetReader.Open(folder).ReadDocumentsAsync())
        {
            documents.Add(document);
        }

        return [.. documents];
    }

    /// <summary>A minimal .npy reader for the two dtypes the export writes (independent of the writer's code).</summary>
    private static (string DType, long[] Shape, int[][] Rows) ReadNpy(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        var header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        var dtype = header.Split("'descr': '")[1].Split('\'')[0];
        var shapeText = header.Split("'shape': (")[1].Split(')')[0];
        var shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
        var width = shape.Length == 2 ? (int)shape[1] : (int)shape[0];
        var rowCount = shape.Length == 2 ? (int)shape[0] : 1;
        var size = dtype == "<u2" ? 2 : 4;
        var data = bytes.AsSpan(10 + headerLength);
        Assert.Equal((long)rowCount * width * size, data.Length);
        var rows = new int[rowCount][];
        for (var r = 0; r < rowCount; r++)
        {
            rows[r] = new int[width];
            for (var c = 0; c < width; c++)
            {
                var at = ((r * width) + c) * size;
                rows[r][c] = size == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(data[at..]) : BinaryPrimitives.ReadInt32LittleEndian(data[at..]);
            }
        }

        return (dtype, shape, rows);
    }
}
