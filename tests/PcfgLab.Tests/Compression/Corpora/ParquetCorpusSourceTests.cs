using Parquet;
using Parquet.Schema;
using PcfgLab.Compression.Corpora;
using PcfgLab.Storage;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Compression.Corpora;

public sealed class ParquetCorpusSourceTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pcfglab-pq-");

    public void Dispose() => _dir.Delete(recursive: true);

    private async Task<string> WriteTokensAsync(string name, int[] lengths)
    {
        var path = Path.Combine(_dir.FullName, name);
        var tokens = Enumerable.Range(1, lengths.Sum()).ToArray();
        await using var writer = await ParquetDatasetWriter.CreateAsync(path, ParquetCompression.Default);
        await writer.WriteRowGroupAsync(tokens.AsMemory(0, lengths[0]), lengths.AsMemory(0, 1));
        await writer.WriteRowGroupAsync(tokens.AsMemory(lengths[0]), lengths.AsMemory(1));
        await writer.CompleteAsync();
        return path;
    }

    private async Task<string> WriteTextAsync(string name, string column, string[] texts)
    {
        var path = Path.Combine(_dir.FullName, name);
        var field = new DataField<string>(column);
        var other = new DataField<int>("id");
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(other, field), stream);
        using var rowGroup = writer.CreateRowGroup();
        await rowGroup.WriteAsync<int>(other, Enumerable.Range(0, texts.Length).ToArray());
        await rowGroup.WriteAsync(field, texts);
        return path;
    }

    [Fact]
    public async Task Integer_list_rows_are_token_documents_across_row_groups_and_files()
    {
        await WriteTokensAsync("a.parquet", [3, 0, 2]);
        await WriteTokensAsync("b.parquet", [1, 4]);
        var source = await ParquetCorpusSource.OpenAsync(_dir.FullName, null, CancellationToken.None);
        Assert.True(source.HasTokens);
        Assert.Equal("input_ids", source.Column);
        var sink = new RecordingSink();
        await source.ReadAsync(sink, CancellationToken.None);

        // The empty row is a document with no tokens (recorded as empty text).
        Assert.Equal([[1, 2, 3], [4, 5], [1], [2, 3, 4, 5]], sink.TokenDocuments);
        Assert.Equal(source.TotalBytes, sink.Bytes);
    }

    [Fact]
    public async Task String_columns_are_text_documents()
    {
        var path = await WriteTextAsync("t.parquet", "text", ["alpha", "beta"]);
        var source = await ParquetCorpusSource.OpenAsync(path, null, CancellationToken.None);
        Assert.False(source.HasTokens);
        var sink = new RecordingSink();
        await source.ReadAsync(sink, CancellationToken.None);
        Assert.Equal(["alpha", "beta"], sink.TextDocuments);
    }

    [Fact]
    public async Task Null_text_rows_are_skipped()
    {
        var path = Path.Combine(_dir.FullName, "n.parquet");
        var field = new DataField<string>("text", true);
        await using (var stream = File.Create(path))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(field), stream);
            using var rowGroup = writer.CreateRowGroup();
            await rowGroup.WriteAsync(field, new string?[] { "first", null, "third" });
        }

        var sink = new RecordingSink();
        await (await ParquetCorpusSource.OpenAsync(path, null, CancellationToken.None)).ReadAsync(sink, CancellationToken.None);
        Assert.Equal(["first", "third"], sink.TextDocuments);
    }

    [Fact]
    public async Task Column_option_chooses_the_column()
    {
        var path = await WriteTextAsync("t.parquet", "content", ["gamma"]);
        var source = await ParquetCorpusSource.OpenAsync(path, "content", CancellationToken.None);
        var sink = new RecordingSink();
        await source.ReadAsync(sink, CancellationToken.None);
        Assert.Equal(["gamma"], sink.TextDocuments);
    }

    [Fact]
    public async Task A_missing_column_is_a_one_line_error_listing_the_columns()
    {
        var path = await WriteTextAsync("t.parquet", "content", ["gamma"]);
        var error = await Assert.ThrowsAsync<UserInputException>(() => ParquetCorpusSource.OpenAsync(path, "input_ids", CancellationToken.None));
        Assert.Contains("no column 'input_ids' (its columns: id, content)", error.Message, StringComparison.Ordinal);
        error = await Assert.ThrowsAsync<UserInputException>(() => ParquetCorpusSource.OpenAsync(path, null, CancellationToken.None));
        Assert.Contains("no column 'text'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_column_of_another_type_and_a_file_that_is_not_parquet_are_user_errors()
    {
        var path = await WriteTextAsync("t.parquet", "text", ["x"]);
        var error = await Assert.ThrowsAsync<UserInputException>(() => ParquetCorpusSource.OpenAsync(path, "id", CancellationToken.None));
        Assert.Contains("neither integer lists", error.Message, StringComparison.Ordinal);

        var broken = Path.Combine(_dir.FullName, "broken.parquet");
        File.WriteAllText(broken, "not parquet at all");
        error = await Assert.ThrowsAsync<UserInputException>(() => ParquetCorpusSource.OpenAsync(broken, null, CancellationToken.None));
        Assert.Contains("not a readable Parquet file", error.Message, StringComparison.Ordinal);
    }

    [SystemPathFact(SpecialFiles.MkFifo)]
    public async Task A_footer_that_never_comes_is_a_one_line_error_through_the_footer_guard_not_a_hang()
    {
        // Before the one opener, this source called Parquet.Net directly: a damaged footer (Base/ParquetFilesTests)
        // made it spin for ever. A FIFO stands for it here: its footer never comes either, and nothing spins.
        var path = Path.Combine(_dir.FullName, "stuck.parquet");
        Assert.True(DamagedParquet.TryMakeStuck(path));
        try
        {
            var error = await DamagedParquet.OneLineErrorOf(() => ParquetCorpusSource.OpenAsync(path, null, DamagedParquet.ShortGuard("measure another copy"), CancellationToken.None));
            Assert.Equal($"'{path}': its Parquet footer could not be read in 2 s, so the file is damaged; measure another copy", error.Message);
        }
        finally
        {
            DamagedParquet.Release(path);
        }
    }
}
