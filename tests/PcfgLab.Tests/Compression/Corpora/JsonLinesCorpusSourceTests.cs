using PcfgLab.Compression.Corpora;

namespace PcfgLab.Tests.Compression.Corpora;

public sealed class JsonLinesCorpusSourceTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pcfglab-jsonl-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string text)
    {
        var path = Path.Combine(_dir.FullName, "data.jsonl");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Reads_the_text_field_of_each_record_and_counts_records_without_it()
    {
        var path = Write("{\"text\": \"one\\nline\", \"id\": 1}\n\n{\"id\": 2}\n{\"text\": 3}\n{\"text\": \"two\"}\n");
        var sink = new RecordingSink();
        var source = new JsonLinesCorpusSource(path);
        await source.ReadAsync(sink, CancellationToken.None);
        Assert.Equal(["one\nline", "two"], sink.TextDocuments);
        Assert.Equal(["data.jsonl:3:no string field 'text'", "data.jsonl:4:no string field 'text'"], sink.Skips);
        Assert.Equal(new FileInfo(path).Length, sink.Bytes);
    }

    [Fact]
    public async Task Field_option_picks_another_field()
    {
        var path = Write("{\"text\": \"a\", \"content\": \"b\"}\n");
        var sink = new RecordingSink();
        await new JsonLinesCorpusSource(path, "content").ReadAsync(sink, CancellationToken.None);
        Assert.Equal(["b"], sink.TextDocuments);
    }

    [Fact]
    public async Task A_line_that_is_not_json_is_an_error_naming_the_line()
    {
        var path = Write("{\"text\": \"a\"}\nnot json\n");
        var error = await Assert.ThrowsAsync<UserInputException>(() => new JsonLinesCorpusSource(path).ReadAsync(new RecordingSink(), CancellationToken.None));
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Factory_detects_jsonl_by_extension()
    {
        var path = Write("{\"text\": \"a\"}\n");
        Assert.IsType<JsonLinesCorpusSource>(await CorpusSourceFactory.OpenAsync(path));
        Assert.Equal(CorpusFormat.JsonLines, CorpusSourceFactory.Detect(path));
    }
}
