using System.Text;
using PcfgLab.Compression.Corpora;

namespace PcfgLab.Tests.Compression.Corpora;

public sealed class TextFileCorpusSourceTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pcfglab-text-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    [Fact]
    public async Task Each_file_is_one_document_in_walk_order()
    {
        Write("b.txt", "second\n");
        Write("a.txt", "first ünïcode\n");
        var sink = new RecordingSink();
        var source = new TextFileCorpusSource(_dir.FullName);
        await source.ReadAsync(sink, CancellationToken.None);
        Assert.Equal(["first ünïcode\n", "second\n"], sink.TextDocuments);
        Assert.Equal(source.TotalBytes, sink.Bytes);
        Assert.False(source.HasTokens);
    }

    [Fact]
    public async Task Large_files_arrive_in_pieces_cut_after_line_breaks()
    {
        var line = new string('x', 999) + "\n";
        var text = string.Concat(Enumerable.Repeat(line, 3000)) + "tail without newline";
        Write("big.txt", text);
        var sink = new RecordingSink();
        await new TextFileCorpusSource(_dir.FullName).ReadAsync(sink, CancellationToken.None);
        Assert.Equal(text, Assert.Single(sink.TextDocuments));
        Assert.True(sink.Pieces.Count >= 3, $"3 MB in 1 MiB blocks should come in several pieces, got {sink.Pieces.Count}");
        Assert.All(sink.Pieces.SkipLast(1), piece => Assert.EndsWith("\n", piece, StringComparison.Ordinal));
        Assert.Equal(text.Length + 0L, sink.Bytes);
    }

    [Fact]
    public async Task Binary_and_unreadable_files_are_skipped_and_counted()
    {
        Write("good.txt", "text\n");
        File.WriteAllBytes(Path.Combine(_dir.FullName, "image.png"), [0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0x01]);
        File.CreateSymbolicLink(Path.Combine(_dir.FullName, "dangling.txt"), Path.Combine(_dir.FullName, "missing-target"));
        var sink = new RecordingSink();
        await new TextFileCorpusSource(_dir.FullName).ReadAsync(sink, CancellationToken.None);
        Assert.Equal(["text\n"], sink.TextDocuments);
        Assert.Equal(["dangling.txt:unreadable", "image.png:binary"], sink.Skips);
    }

    [Fact]
    public async Task Gzipped_files_are_decompressed_and_corrupt_ones_skipped()
    {
        var text = string.Concat(Enumerable.Repeat("a man page line\n", 500));
        var path = Path.Combine(_dir.FullName, "page.1.gz");
        using (var file = File.Create(path))
        using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Optimal))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        File.WriteAllBytes(Path.Combine(_dir.FullName, "torn.gz"), [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff]);
        var sink = new RecordingSink();
        var source = new TextFileCorpusSource(_dir.FullName);
        await source.ReadAsync(sink, CancellationToken.None);
        Assert.Equal([text], sink.TextDocuments);
        Assert.Equal(["torn.gz:unreadable"], sink.Skips);
        Assert.Equal(source.TotalBytes, sink.Bytes); // bytes on disk, compressed
    }

    [Fact]
    public async Task Include_and_exclude_patterns_choose_files()
    {
        Write("m.py", "py\n");
        Write("m.c", "c\n");
        Write("tests/t.py", "test\n");
        var sink = new RecordingSink();
        await new TextFileCorpusSource(_dir.FullName, ["*.py"], ["tests"]).ReadAsync(sink, CancellationToken.None);
        Assert.Equal(["py\n"], sink.TextDocuments);
    }
}
