using System.Globalization;
using PcfgLab.Sweeps;

namespace PcfgLab.Tests.Sweeps;

public sealed partial class TrainingRecordStoreTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-runstore-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void Appended_records_read_back_field_for_field()
    {
        var path = Path.Combine(_root.FullName, "sub", "results.jsonl");
        var first = Record("c0", 1_000_000, 20_000_000, 3.25) with
        {
            CellIndex = 0,
            GzipMedian = 0.4375,
            FinalTrainLoss = 3.5,
            TrainLosses = [4.0, 3.75, 3.5],
            WallSeconds = 12.5,
            Seed = 7,
            Trainer = "synthetic 1",
            FinishedAt = "2026-11-24T05:00:00Z",
        };
        var second = Record("c1", 2_000_000, 40_000_000, 2.875);
        TrainingRecordStore.Append(path, first);
        TrainingRecordStore.Append(path, second);
        Assert.Equal(2, File.ReadAllLines(path).Length);

        var problems = new List<string>();
        var read = TrainingRecordStore.Read([path], problems);
        Assert.Empty(problems);
        Assert.Equal(2, read.Count);
        AssertSame(first, read[0]);
        AssertSame(second, read[1]);
        Assert.Equal([4.0, 3.75, 3.5], read[0].TrainLosses);
        Assert.True(read[1].IsSynthetic);
    }

    [Fact]
    public async Task Concurrent_appends_from_several_tasks_lose_nothing()
    {
        const int Tasks = 8;
        const int PerTask = 25;
        var path = Path.Combine(_root.FullName, "results.jsonl");
        using var start = new ManualResetEventSlim();
        var writers = Enumerable.Range(0, Tasks).Select(t => Task.Run(() =>
        {
            start.Wait();
            for (var i = 0; i < PerTask; i++)
            {
                // Long records (a loss per step) make a torn or interleaved write show as a malformed line.
                var record = Record(Id(t, i), 1000 + i, 2000 + t, 1.0 + t + (i / 100.0)) with
                {
                    TrainLosses = Enumerable.Range(0, 500).Select(s => s / 7.0).ToArray(),
                };
                TrainingRecordStore.Append(path, record);
            }
        })).ToArray();
        start.Set();
        await Task.WhenAll(writers);

        var problems = new List<string>();
        var read = TrainingRecordStore.Read([path], problems);
        Assert.Empty(problems);
        Assert.Equal(Tasks * PerTask, File.ReadAllLines(path).Length);
        Assert.Equal(Tasks * PerTask, read.Count);
        var byId = read.ToDictionary(r => r.CellId, StringComparer.Ordinal);
        for (var t = 0; t < Tasks; t++)
        {
            for (var i = 0; i < PerTask; i++)
            {
                var record = byId[Id(t, i)];
                Assert.Equal(1000 + i, record.Parameters);
                Assert.Equal(2000 + t, record.Tokens);
                Assert.Equal(1.0 + t + (i / 100.0), record.FinalValidLoss);
                Assert.Equal(500, record.TrainLosses.Count);
            }
        }
    }

    [Fact]
    public void A_record_says_how_its_run_was_made_and_an_older_one_reads_without_it()
    {
        // Lines as train_cell.py writes them (with the fields of issue 25) and as it wrote them before.
        var path = Path.Combine(_root.FullName, "results.jsonl");
        File.WriteAllLines(path,
        [
            """{"cell_id": "new", "dataset": "d", "device": "cpu (AMD EPYC)", "N": 1000, "D": 2000, "final_valid_loss": 3.5, "dtype": "bfloat16", "threads": 1, "cells_per_process": 1, "processor": "AMD EPYC", "malloc": "glibc: no mmap, trim above 1 GiB, top pad 64 MiB", "blas_threads": "1"}""",
            """{"cell_id": "old", "dataset": "d", "device": "cpu (AMD EPYC)", "N": 1000, "D": 4000, "final_valid_loss": 3.25, "dtype": "float32"}""",
        ]);

        var problems = new List<string>();
        var read = TrainingRecordStore.Read([path], problems);

        Assert.Empty(problems);
        Assert.Equal(("bfloat16", 1, 1, "AMD EPYC"), (read[0].DType, read[0].Threads, read[0].CellsPerProcess, read[0].Processor));
        Assert.Equal(("float32", null, null, null), (read[1].DType, read[1].Threads, read[1].CellsPerProcess, read[1].Processor));
    }

    [Fact]
    public void A_cut_off_line_is_skipped_and_described()
    {
        var path = Path.Combine(_root.FullName, "results.jsonl");
        TrainingRecordStore.Append(path, Record("a", 10, 20, 2.5));
        File.AppendAllText(path, "{\"cell_id\":\"b\",\"dataset\":\"d\",\"N\":10,\"D\":2\n");
        TrainingRecordStore.Append(path, Record("c", 30, 40, 1.5));

        var problems = new List<string>();
        var read = TrainingRecordStore.Read([path], problems);
        Assert.Equal(["a", "c"], read.Select(r => r.CellId).ToArray());
        var problem = Assert.Single(problems);
        Assert.StartsWith($"{path}:2: skipped, not a run record (", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_torn_last_line_does_not_swallow_the_next_record()
    {
        // A full disk leaves a line without its newline; the next append starts on a fresh line.
        var path = Path.Combine(_root.FullName, "results.jsonl");
        TrainingRecordStore.Append(path, Record("a", 10, 20, 2.5));
        File.AppendAllText(path, "{\"cell_id\":\"b\",\"dataset\":\"d\",\"N\":10,\"D\":2");
        TrainingRecordStore.Append(path, Record("c", 30, 40, 1.5));

        var problems = new List<string>();
        var read = TrainingRecordStore.Read([path], problems);
        Assert.Equal(["a", "c"], read.Select(r => r.CellId).ToArray());
        Assert.StartsWith($"{path}:2: skipped, not a run record (a torn or damaged line: ", Assert.Single(problems), StringComparison.Ordinal);
        Assert.Equal(3, File.ReadAllLines(path).Length);
    }

    [Fact]
    public void Records_without_N_D_or_loss_and_lines_that_are_not_records_are_skipped_and_described()
    {
        var path = Path.Combine(_root.FullName, "results.jsonl");
        File.WriteAllLines(path,
        [
            "{\"cell_id\":\"noN\",\"dataset\":\"d\",\"device\":\"cpu\",\"D\":20,\"final_valid_loss\":2.0}",
            "{\"cell_id\":\"noD\",\"dataset\":\"d\",\"device\":\"cpu\",\"N\":10,\"D\":0,\"final_valid_loss\":2.0}",
            "{\"cell_id\":\"ok\",\"dataset\":\"d\",\"device\":\"cpu\",\"N\":10,\"D\":20,\"final_valid_loss\":2.0}",
            "null",
            "not json at all",
            "{\"dataset\":\"d\",\"device\":\"cpu\",\"N\":10,\"D\":20,\"final_valid_loss\":2.0}",
            "{\"cell_id\":\"noLoss\",\"dataset\":\"d\",\"device\":\"cpu\",\"N\":10,\"D\":20}",
            "{\"cell_id\":\"zeroLoss\",\"dataset\":\"d\",\"device\":\"cpu\",\"N\":10,\"D\":20,\"final_valid_loss\":0}",
        ]);

        var problems = new List<string>();
        var read = TrainingRecordStore.Read([path], problems);
        var ok = Assert.Single(read);
        Assert.Equal("ok", ok.CellId);
        Assert.Equal(7, problems.Count);
        Assert.Equal($"{path}:1: skipped, the record lacks a positive N, D or final_valid_loss", problems[0]);
        Assert.Equal($"{path}:2: skipped, the record lacks a positive N, D or final_valid_loss", problems[1]);
        Assert.Equal($"{path}:4: skipped, the record lacks a positive N, D or final_valid_loss", problems[2]);
        Assert.StartsWith($"{path}:5: skipped, not a run record (", problems[3], StringComparison.Ordinal);
        Assert.StartsWith($"{path}:6: skipped, not a run record (", problems[4], StringComparison.Ordinal); // cell_id is required
        // A record without a loss would otherwise read as 0.0 and reach the fit: never silently used.
        Assert.Equal($"{path}:7: skipped, the record lacks a positive N, D or final_valid_loss", problems[5]);
        Assert.Equal($"{path}:8: skipped, the record lacks a positive N, D or final_valid_loss", problems[6]);
    }

    [Fact]
    public void Records_with_a_null_or_control_character_cell_id_or_dataset_are_skipped_naming_the_file_and_line()
    {
        // Before: "Value cannot be null. (Parameter 'key')" stopped sweep train and sweep report, naming nothing.
        var path = Path.Combine(_root.FullName, "results.jsonl");
        File.WriteAllLines(path,
        [
            "{\"cell_id\":\"ok\",\"dataset\":\"d\",\"device\":\"cpu\",\"N\":10,\"D\":20,\"final_valid_loss\":2.0}",
            "{\"cell_id\":null,\"dataset\":\"d\",\"device\":\"cpu\",\"N\":10,\"D\":20,\"final_valid_loss\":2.0}",
            "{\"cell_id\":\"x\",\"dataset\":null,\"device\":\"cpu\",\"N\":10,\"D\":20,\"final_valid_loss\":2.0}",
            "{\"cell_id\":\"y\\ninfo: forged\",\"dataset\":\"d\",\"device\":\"cpu\",\"N\":10,\"D\":20,\"final_valid_loss\":2.0}",
            "{\"cell_id\":\"z\",\"dataset\":\"d\\r\",\"device\":\"cpu\",\"N\":10,\"D\":20,\"final_valid_loss\":2.0}",
        ]);

        var problems = new List<string>();
        var read = TrainingRecordStore.Read([path], problems);

        Assert.Equal("ok", Assert.Single(read).CellId);
        Assert.Equal(
            [
                $"{path}:2: skipped, the record has no cell_id (null or missing)",
                $"{path}:3: skipped, the record has no dataset (null or missing)",
                $"{path}:4: skipped, the record's cell_id holds a control character (a line break or the like)",
                $"{path}:5: skipped, the record's dataset holds a control character (a line break or the like)",
            ],
            problems);
        Assert.Equal(new HashSet<string> { "ok" }, TrainingRecordStore.CompletedCells([path]));
    }

    [Fact]
    public void A_results_file_behind_a_symbolic_link_is_read_but_not_appended_to()
    {
        var target = Path.Combine(_root.FullName, "real.jsonl");
        var link = Path.Combine(_root.FullName, "link.jsonl");
        TrainingRecordStore.Append(target, Record("a", 10, 20, 2.5));
        File.CreateSymbolicLink(link, target);

        Assert.Equal(["a"], TrainingRecordStore.Read([link], new List<string>()).Select(r => r.CellId));
        var ex = Assert.Throws<UserInputException>(() => TrainingRecordStore.EnsureAppendable(link));
        Assert.Equal($"'{link}' is a symbolic link: refusing to append to it; give the path of a regular file (or of one that does not exist yet).", ex.Message);
        Assert.Throws<UserInputException>(() => TrainingRecordStore.Append(link, Record("b", 10, 20, 2.5)));
        Assert.Single(File.ReadAllLines(target));
    }

    [Fact]
    public void Blank_lines_and_missing_files_are_not_problems()
    {
        var path = Path.Combine(_root.FullName, "results.jsonl");
        TrainingRecordStore.Append(path, Record("a", 10, 20, 2.5));
        File.AppendAllText(path, "\n   \n");
        TrainingRecordStore.Append(path, Record("b", 10, 40, 2.25));

        var problems = new List<string>();
        var read = TrainingRecordStore.Read([Path.Combine(_root.FullName, "missing.jsonl"), path], problems);
        Assert.Equal(["a", "b"], read.Select(r => r.CellId).ToArray());
        Assert.Empty(problems);
        Assert.Empty(TrainingRecordStore.Read([Path.Combine(_root.FullName, "missing.jsonl")], problems));
    }

    [Fact]
    public void The_last_record_of_a_cell_wins_across_files_in_first_seen_order()
    {
        var first = Path.Combine(_root.FullName, "one.jsonl");
        var second = Path.Combine(_root.FullName, "two.jsonl");
        TrainingRecordStore.Append(first, Record("x", 10, 20, 3.0));
        TrainingRecordStore.Append(first, Record("y", 10, 20, 2.0));
        TrainingRecordStore.Append(second, Record("z", 10, 20, 1.0));
        TrainingRecordStore.Append(second, Record("x", 10, 20, 0.5));

        var problems = new List<string>();
        var read = TrainingRecordStore.Read([first, second], problems);
        // Two trainers ran cell x: said aloud, naming where each record is.
        Assert.Equal([$"cell x has 2 records ({first}:1, {second}:2): the last one is used"], problems);
        Assert.Equal(["x", "y", "z"], read.Select(r => r.CellId).ToArray());
        Assert.Equal([0.5, 2.0, 1.0], read.Select(r => r.FinalValidLoss).ToArray());
        Assert.Equal(new HashSet<string> { "x", "y", "z" }, TrainingRecordStore.CompletedCells([first, second]));
    }

    [Fact]
    public void An_already_cancelled_append_writes_nothing()
    {
        var path = Path.Combine(_root.FullName, "results.jsonl");
        Assert.Throws<OperationCanceledException>(() => TrainingRecordStore.Append(path, Record("a", 1, 1, 1), new CancellationToken(canceled: true)));
        Assert.False(File.Exists(path));
    }

    private static string Id(int task, int index) => string.Create(CultureInfo.InvariantCulture, $"t{task}-r{index}");

    private static TrainingRecord Record(string cell, long parameters, long tokens, double loss) => new()
    {
        CellId = cell,
        Dataset = "ds",
        Device = TrainingRecord.SyntheticDevice,
        Parameters = parameters,
        Tokens = tokens,
        FinalValidLoss = loss,
    };

    private static void AssertSame(TrainingRecord expected, TrainingRecord actual)
    {
        Assert.Equal(expected.CellId, actual.CellId);
        Assert.Equal(expected.CellIndex, actual.CellIndex);
        Assert.Equal(expected.Dataset, actual.Dataset);
        Assert.Equal(expected.GzipMedian, actual.GzipMedian);
        Assert.Equal(expected.Parameters, actual.Parameters);
        Assert.Equal(expected.Tokens, actual.Tokens);
        Assert.Equal(expected.FinalTrainLoss, actual.FinalTrainLoss);
        Assert.Equal(expected.FinalValidLoss, actual.FinalValidLoss);
        Assert.Equal(expected.TrainLosses, actual.TrainLosses);
        Assert.Equal(expected.WallSeconds, actual.WallSeconds);
        Assert.Equal(expected.Device, actual.Device);
        Assert.Equal(expected.Seed, actual.Seed);
        Assert.Equal(expected.Trainer, actual.Trainer);
        Assert.Equal(expected.FinishedAt, actual.FinishedAt);
    }

    [Fact]
    public void ExpandResultFiles_takes_files_as_given_and_folders_as_their_jsonl_files_without_failures()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root.FullName, "results")).FullName;
        Directory.CreateDirectory(Path.Combine(folder, "deep"));
        foreach (var name in (string[])["b.jsonl", "a.jsonl", "failures.jsonl", "notes.txt", Path.Combine("deep", "c.jsonl")])
        {
            File.WriteAllText(Path.Combine(folder, name), string.Empty);
        }

        var given = Path.Combine(_root.FullName, "given.jsonl");
        var files = TrainingRecordStore.ExpandResultFiles([given, folder]);

        Assert.Equal([given, Path.Combine(folder, "a.jsonl"), Path.Combine(folder, "b.jsonl"), Path.Combine(folder, "deep", "c.jsonl")], files);
        Assert.Equal([Path.Combine(folder, TrainingRecordStore.FailuresFileName)], TrainingRecordStore.FailuresFilesBeside(files));
    }
}
