using Parquet;
using Parquet.Schema;
using PcfgLab.Storage;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Storage;

public sealed class ParquetDatasetReaderTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("pcfglab-reader-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task A_folder_is_read_file_by_file_in_name_order_with_dataset_wide_indices()
    {
        await Write("train-00001-of-00002.parquet", [[5, 6], [7, 8]]);
        await Write("train-00000-of-00002.parquet", [[1, 2], [3, 4]]);
        var reader = ParquetDatasetReader.Open(_folder.FullName);
        Assert.Equal(4, await reader.CountDocumentsAsync());
        var firsts = new List<long>();
        var tokens = new List<int>();
        await foreach (var batch in reader.ReadBatchesAsync())
        {
            firsts.Add(batch.FirstDocument);
            tokens.AddRange(batch.Tokens.ToArray());
        }

        Assert.Equal([0L, 2L], firsts);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], tokens);
        var picked = await reader.ReadDocumentsAtAsync([1, 2]);
        Assert.Equal([3, 4], picked[0]);
        Assert.Equal([5, 6], picked[1]);
    }

    [Fact]
    public async Task Reads_a_nullable_int64_list_column_written_by_another_writer()
    {
        // The layout pyarrow and Hugging Face use: optional list, optional int64 elements, another column beside.
        var path = Path.Combine(_folder.FullName, "other.parquet");
        var schema = new ParquetSchema(
            new DataField<string>("text"),
            new ListField("tokens", new DataField<long?>("item")));
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(schema, stream, new ParquetOptions { CompressionMethod = CompressionMethod.Gzip, CompressionLevel = System.IO.Compression.CompressionLevel.Fastest }))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(schema.DataFields[0], new[] { "a", "b", "c" });
            long[] values = [10, 11, 12, 300_000];
            int[] defs = [3, 3, 1, 3, 3];
            int[] reps = [0, 1, 0, 0, 1];
            await group.WriteAllPartsAsync<long>(schema.DataFields[1], values, defs, reps, CancellationToken.None);
        }

        var docs = new List<int[]>();
        await foreach (var doc in ParquetDatasetReader.Open(path, "tokens").ReadDocumentsAsync())
        {
            docs.Add(doc);
        }

        Assert.Equal(3, docs.Count);
        Assert.Equal([10, 11], docs[0]);
        Assert.Empty(docs[1]);
        Assert.Equal([12, 300_000], docs[2]);
    }

    [Fact]
    public async Task A_missing_column_or_a_column_that_is_not_an_integer_list_is_a_user_error()
    {
        await Write("a.parquet", [[1]]);
        var missing = await Assert.ThrowsAsync<UserInputException>(() => ParquetDatasetReader.Open(_folder.FullName, "tokens").CountDocumentsAsync());
        Assert.Contains("no column 'tokens'", missing.Message, StringComparison.Ordinal);

        var path = Path.Combine(_folder.FullName, "b.parquet");
        var schema = new ParquetSchema(new DataField<string>("input_ids"));
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(schema, stream))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(schema.DataFields[0], new[] { "x" });
        }

        var wrong = await Assert.ThrowsAsync<UserInputException>(() => ParquetDatasetReader.Open(path).CountDocumentsAsync());
        Assert.Contains("not a list of integers", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asking_for_documents_past_the_end_is_a_user_error()
    {
        await Write("a.parquet", [[1], [2], [3]]);
        var reader = ParquetDatasetReader.Open(_folder.FullName);
        var last = await reader.ReadDocumentsAtAsync([2]);
        Assert.Equal(new[] { 3 }, last[0]);
        await Assert.ThrowsAsync<UserInputException>(() => reader.ReadDocumentsAtAsync([1, 3]));
        await Assert.ThrowsAsync<ArgumentException>(() => reader.ReadDocumentsAtAsync([2, 1]));
    }

    [Fact]
    public void A_missing_path_or_an_empty_folder_is_a_user_error()
    {
        Assert.Throws<UserInputException>(() => ParquetDatasetReader.Open(Path.Combine(_folder.FullName, "nope")));
        Assert.Throws<UserInputException>(() => ParquetDatasetReader.Open(_folder.FullName));
    }

    private async Task Write(string name, int[][] docs)
    {
        await using var writer = await ParquetDatasetWriter.CreateAsync(Path.Combine(_folder.FullName, name), ParquetCompression.Default);
        var flat = docs.SelectMany(d => d).ToArray();
        var lengths = docs.Select(d => d.Length).ToArray();
        await writer.WriteRowGroupAsync(flat, lengths);
        await writer.CompleteAsync();
    }

    [SystemPathFact(SpecialFiles.MkFifo)]
    public async Task A_footer_that_never_comes_is_a_one_line_error_through_the_footer_guard_not_a_hang()
    {
        // Before the one opener, this reader called Parquet.Net directly: a damaged footer (Base/ParquetFilesTests)
        // made it spin for ever. A FIFO stands for it here: its footer never comes either, and nothing spins.
        var path = Path.Combine(_folder.FullName, "train-00000-of-00001.parquet");
        Assert.True(DamagedParquet.TryMakeStuck(path));
        try
        {
            var reader = ParquetDatasetReader.Open(_folder.FullName, ParquetDatasetWriter.TokenColumn, DamagedParquet.ShortGuard("regenerate it"));
            var error = await DamagedParquet.OneLineErrorOf(() => reader.CountDocumentsAsync());
            Assert.Equal($"'{path}': its Parquet footer could not be read in 2 s, so the file is damaged; regenerate it", error.Message);
            Assert.Contains("regenerate the dataset", ParquetDatasetReader.Open(_folder.FullName).OpenOptions.Advice, StringComparison.Ordinal);
        }
        finally
        {
            DamagedParquet.Release(path);
        }
    }
}
