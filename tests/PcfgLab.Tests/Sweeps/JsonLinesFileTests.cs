using PcfgLab.Sweeps;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Sweeps;

public sealed class JsonLinesFileTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-jsonl-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void Concurrent_appends_never_interleave()
    {
        var path = Path.Combine(_root.FullName, "results.jsonl");
        var losses = Enumerable.Range(0, 2000).Select(i => i / 1000.0).ToArray();
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            TrainingRecordStore.Append(path, new TrainingRecord { CellId = "cell-" + i, Dataset = "d", Device = "synthetic", Parameters = 10, Tokens = 10, FinalValidLoss = 1, TrainLosses = losses }));

        var problems = new List<string>();
        var records = TrainingRecordStore.Read([path], problems);

        Assert.Empty(problems);
        Assert.Equal(200, records.Count);
        Assert.Equal(200, File.ReadAllLines(path).Length);
        Assert.All(records, r => Assert.Equal(2000, r.TrainLosses.Count));
    }

    [Fact]
    public void A_cut_off_line_is_skipped_and_reported()
    {
        var path = Path.Combine(_root.FullName, "results.jsonl");
        TrainingRecordStore.Append(path, new TrainingRecord { CellId = "a", Dataset = "d", Device = "cpu", Parameters = 10, Tokens = 10, FinalValidLoss = 2 });
        File.AppendAllText(path, "{\"cell_id\": \"b\", \"datas");

        var problems = new List<string>();
        var records = TrainingRecordStore.Read([path], problems);

        Assert.Equal("a", Assert.Single(records).CellId);
        Assert.Contains(":2: skipped", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void The_last_record_of_a_cell_wins()
    {
        var first = Path.Combine(_root.FullName, "a.jsonl");
        var second = Path.Combine(_root.FullName, "b.jsonl");
        TrainingRecordStore.Append(first, new TrainingRecord { CellId = "x", Dataset = "d", Device = "cpu", Parameters = 10, Tokens = 10, FinalValidLoss = 2 });
        TrainingRecordStore.Append(second, new TrainingRecord { CellId = "x", Dataset = "d", Device = "cpu", Parameters = 10, Tokens = 10, FinalValidLoss = 3 });

        var record = Assert.Single(TrainingRecordStore.Read([first, second], new List<string>()));
        Assert.Equal(3, record.FinalValidLoss);
    }

    [SystemPathFact("coreutils", SpecialFiles.MkFifo)]
    public async Task Appending_to_a_pipe_is_refused_instead_of_waiting_for_a_reader_for_ever()
    {
        var pipe = Path.Combine(_root.FullName, "results.jsonl");
        Assert.True(SpecialFiles.TryMakeFifo(pipe));
        var append = Task.Run(() => TrainingRecordStore.Append(pipe, new TrainingRecord { CellId = "c", Dataset = "d", Device = "synthetic", Parameters = 10, Tokens = 10, FinalValidLoss = 1 }));
        var error = await Assert.ThrowsAsync<UserInputException>(() => append.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("refusing to append to it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_follows_a_symbolic_link_but_refuses_a_folder_behind_one()
    {
        var target = Path.Combine(_root.FullName, "real.jsonl");
        File.WriteAllText(target, "a\nb\n");
        var link = Path.Combine(_root.FullName, "link.jsonl");
        File.CreateSymbolicLink(link, target);
        var folderLink = Path.Combine(_root.FullName, "folder.jsonl");
        Directory.CreateSymbolicLink(folderLink, _root.FullName);

        Assert.Equal(["a", "b", string.Empty], JsonLinesFile.ReadLines(link));
        var ex = Assert.Throws<UserInputException>(() => JsonLinesFile.ReadLines(folderLink));
        Assert.Equal($"'{folderLink}' is a folder: refusing to read it; give the path of a regular file.", ex.Message);
    }

    [Fact]
    public void A_line_is_whole_or_absent_when_the_write_fails_partway()
    {
        var file = new FailingStream("{\"a\":1}\n{\"torn"u8.ToArray(), failAfter: 5);
        var line = "{\"b\":2}\n"u8.ToArray();

        Assert.Throws<IOException>(() => JsonLinesFile.AppendWholeLine(file, line));

        Assert.Equal("{\"a\":1}\n{\"torn", System.Text.Encoding.UTF8.GetString(file.ToArray()));
    }

    [Fact]
    public void A_line_goes_after_a_newline_when_the_file_ends_in_a_torn_line()
    {
        var torn = new FailingStream("{\"a\":1}\n{\"torn"u8.ToArray(), failAfter: int.MaxValue);
        var whole = new FailingStream("{\"a\":1}\n"u8.ToArray(), failAfter: int.MaxValue);

        JsonLinesFile.AppendWholeLine(torn, "{\"b\":2}\n"u8.ToArray());
        JsonLinesFile.AppendWholeLine(whole, "{\"b\":2}\n"u8.ToArray());

        Assert.Equal("{\"a\":1}\n{\"torn\n{\"b\":2}\n", System.Text.Encoding.UTF8.GetString(torn.ToArray()));
        Assert.Equal("{\"a\":1}\n{\"b\":2}\n", System.Text.Encoding.UTF8.GetString(whole.ToArray()));
    }

    /// <summary>A file on a nearly full disk: the write stores <c>failAfter</c> bytes, then fails as ENOSPC does.</summary>
    private sealed class FailingStream : MemoryStream
    {
        private readonly int _failAfter;

        public FailingStream(byte[] content, int failAfter)
        {
            base.Write(content, 0, content.Length);
            _failAfter = failAfter;
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (count <= _failAfter)
            {
                base.Write(buffer, offset, count);
                return;
            }

            base.Write(buffer, offset, _failAfter);
            throw new IOException("No space left on device");
        }

        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);
    }
}
