using Microsoft.Extensions.Logging;
using Parquet;
using Parquet.Schema;
using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed partial class RunRecordReaderTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pcfglab-runs-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Csv_with_flops_gives_tokens_as_c_over_6n()
    {
        var path = Write("runs.csv", "Model Size,Training FLOP,loss\n1e9,6e19,2.5\n2e9,1.2e20,2.4\n");
        var runs = RunRecordReader.Read(path, new RunColumnMap { Parameters = "Model Size", Flops = "Training FLOP", Loss = "loss" });
        Assert.Equal(2, runs.Count);
        Assert.Equal(1e10, runs[0].Tokens, 6);
        Assert.Equal(6e19, runs[0].Flops);
        Assert.Equal(2.4, runs[1].Loss);
        Assert.Equal(2, runs[1].Row);
        Assert.Null(runs[0].Compressibility);
    }

    [Fact]
    public void Quoted_csv_fields_and_default_names_are_read()
    {
        var path = Write("q.csv", "\"dataset\",\"N\",\"D\",\"loss\",\"H\"\n\"a,b\",\"10\",\"20\",\"3.5\",\"0.4\"\n");
        var run = Assert.Single(RunRecordReader.Read(path, RunColumnMap.Default));
        Assert.Equal("a,b", run.Dataset);
        Assert.Equal(new FitRun("a,b", 10, 20, 3.5, 0.4, 1200, 1), run);
    }

    [Fact]
    public void Bad_rows_are_skipped_and_reported_with_count_and_row_numbers()
    {
        var path = Write("bad.csv", "N,D,loss\n1,2,3\n1,2,NaN\n1,-2,3\n,2,3\n1,2,0\n5,6,7\n");
        var logger = new ListLogger();
        var runs = RunRecordReader.Read(path, RunColumnMap.Default, logger);
        Assert.Equal([1, 6], runs.Select(r => r.Row));
        var message = Assert.Single(logger.Messages);
        Assert.Contains("skipped 4 of 6 rows", message, StringComparison.Ordinal);
        Assert.Contains("data rows 2, 3, 4, 5", message, StringComparison.Ordinal);
        Assert.Contains("loss", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exact_duplicate_rows_are_kept_with_a_warning_naming_the_file_and_how_many()
    {
        // Rows 3 and 5 repeat row 1 exactly; row 4 differs from row 2 only in its last digit, so it is no duplicate.
        var path = Write("dups.csv", "N,D,loss\n10,20,3.5\n10,40,3.25\n10,20,3.5\n10,40,3.2500001\n10,20,3.5\n");
        var logger = new ListLogger();

        var runs = RunRecordReader.Read(path, RunColumnMap.Default, logger);

        Assert.Equal([1, 2, 3, 4, 5], runs.Select(r => r.Row));
        Assert.Equal(
            $"{path}: 2 of 5 rows are exact duplicates of an earlier row (data rows 3, 5) and are fitted as separate runs, which makes bootstrap errors too small; if they repeat one run, drop them (fit's drop-duplicates option)",
            Assert.Single(logger.Messages));
    }

    [Fact]
    public void Exact_duplicate_rows_are_dropped_when_asked_and_the_warning_says_so()
    {
        var path = Write("dups.jsonl", "{\"N\":10,\"D\":20,\"loss\":3.5,\"valid\":[1,2]}\n{\"D\":20,\"N\":10,\"valid\":[1,2],\"loss\":3.5}\n{\"N\":10,\"D\":20,\"loss\":3.5,\"valid\":[1,3]}\n");
        var logger = new ListLogger();

        var runs = RunRecordReader.Read(path, RunColumnMap.Default with { Loss = "loss", DropExactDuplicates = true }, logger);

        // Row 2 is row 1 with its keys in another order: the same row. Row 3's list differs.
        Assert.Equal([1, 3], runs.Select(r => r.Row));
        Assert.Equal($"{path}: dropped 1 exact duplicate row(s) of 3 (data rows 2)", Assert.Single(logger.Messages));
    }

    [Fact]
    public void Rows_whose_6ND_overflows_are_out_of_range_not_non_positive()
    {
        // N = D = 1e300 are finite and positive (log space takes them); C = 6 N D is beyond a double.
        var path = Write("huge.csv", "N,D,loss\n1e300,1e300,2\n1e9,2e10,2.5\n");
        var logger = new ListLogger();
        var run = Assert.Single(RunRecordReader.Read(path, RunColumnMap.Default, logger));
        Assert.Equal(2, run.Row);
        var message = Assert.Single(logger.Messages);
        Assert.Contains("skipped 1 of 2 rows whose training FLOPs C = 6 N D are out of range (above 1.8E+308, the largest double; N and D themselves are finite and positive)", message, StringComparison.Ordinal);
        Assert.Contains("(data rows 1)", message, StringComparison.Ordinal);
        Assert.DoesNotContain("non-positive", message, StringComparison.Ordinal);

        var only = Write("only-huge.csv", "N,D,loss\n1e300,1e300,2\n1e300,2e300,2\n");
        var ex = Assert.Throws<UserInputException>(() => RunRecordReader.Read(only, RunColumnMap.Default));
        Assert.Equal($"'{only}' has no usable run (2 rows, 0 skipped for missing, non-finite or non-positive values, 2 because C = 6 N D is out of range (above 1.8E+308; N and D are finite and positive))", ex.Message);
    }

    [Fact]
    public void Missing_column_names_it_and_lists_the_available_ones()
    {
        var path = Write("m.csv", "size,tokens,loss\n1,2,3\n");
        var ex = Assert.Throws<UserInputException>(() => RunRecordReader.Read(path, new RunColumnMap { Parameters = "Model Size" }));
        Assert.Equal($"'{path}' has no column 'Model Size' for parameter count N (available: size, tokens, loss)", ex.Message);
    }

    [Fact]
    public void No_usable_row_is_an_error()
    {
        var path = Write("none.csv", "N,D,loss\n1,2,-3\n");
        var ex = Assert.Throws<UserInputException>(() => RunRecordReader.Read(path, RunColumnMap.Default));
        Assert.Contains("no usable run", ex.Message, StringComparison.Ordinal);
    }

    private const string ReferenceLine =
        """{"dataset_name": "gzipscale-0.35", "dataset_gzip": [0.35, 0.01], "model_size": 1000000, "token_ct": 5000000, "train_loss": [3.0, 2.0, 1.5, 1.4, 1.2], "valid_loss": [3.1, 1.7, 1.6]}""";

    [Fact]
    public void Reference_results_format_takes_the_last_validation_loss_by_default()
    {
        var path = Write("ref.jsonl", ReferenceLine + "\n\n");
        var run = Assert.Single(RunRecordReader.Read(path, RunColumnMap.Default));
        Assert.Equal("gzipscale-0.35", run.Dataset);
        Assert.Equal(0.35, run.Compressibility);
        Assert.Equal(1e6, run.Parameters);
        Assert.Equal(5e6, run.Tokens);
        Assert.Equal(1.6, run.Loss);
        Assert.Equal(6 * 1e6 * 5e6, run.Flops);
        Assert.Equal(1.6, Assert.Single(RunRecordReader.Read(path, new RunColumnMap { FinalLoss = FinalLossChoice.Valid })).Loss);
    }

    [Fact]
    public void Reference_results_format_train_tail_averages_the_last_k_training_losses()
    {
        var path = Write("ref.jsonl", ReferenceLine + "\n");
        var run = Assert.Single(RunRecordReader.Read(path, new RunColumnMap { FinalLoss = FinalLossChoice.TrainTail, TrainTailCount = 3 }));
        Assert.Equal((1.5 + 1.4 + 1.2) / 3, run.Loss, 12);
    }

    [Fact]
    public void Sweep_records_are_read_with_the_default_map()
    {
        var path = Write("sweep.jsonl",
            """{"dataset": "d1", "H": 0.42, "N": 2000000, "D": 40000000, "final_train_loss": 2.2, "final_valid_loss": 2.3, "train_losses": [3.0, 2.5, 2.2], "wall_seconds": 12.5, "device": "cuda"}""" + "\n");
        var run = Assert.Single(RunRecordReader.Read(path, RunColumnMap.Default));
        Assert.Equal(new FitRun("d1", 2e6, 4e7, 2.3, 0.42, 6 * 2e6 * 4e7, 1), run);
        Assert.Equal((2.5 + 2.2) / 2, Assert.Single(RunRecordReader.Read(path, new RunColumnMap { FinalLoss = FinalLossChoice.TrainTail, TrainTailCount = 2 })).Loss, 12);
        Assert.Equal(2.2, Assert.Single(RunRecordReader.Read(path, new RunColumnMap { Loss = "final_train_loss" })).Loss);
    }

    [Fact]
    public async Task Parquet_runs_are_read()
    {
        var path = Path.Combine(_dir.FullName, "runs.parquet");
        var dataset = new DataField<string>("dataset");
        var n = new DataField<long>("N");
        var d = new DataField<double>("D");
        var loss = new DataField<double?>("loss");
        await using (var stream = File.Create(path))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(dataset, n, d, loss), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(dataset, ["x", "y", "y"]);
            await group.WriteAsync<long>(n, new long[] { 10, 20, 30 });
            await group.WriteAsync<double>(d, new double[] { 100, 200, 300 });
            await group.WriteAsync<double>(loss, new double?[] { 3.0, null, 2.0 });
        }

        var logger = new ListLogger();
        var runs = await RunRecordReader.ReadAsync(path, RunColumnMap.Default, logger);
        Assert.Equal([new FitRun("x", 10, 100, 3.0, null, 6000, 1), new FitRun("y", 30, 300, 2.0, null, 6 * 30 * 300, 3)], runs);
        Assert.Contains("skipped 1 of 3 rows", Assert.Single(logger.Messages), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_extension_is_an_error()
    {
        var path = Write("runs.txt", "N,D,loss\n");
        Assert.Contains("unknown run file format", Assert.Throws<UserInputException>(() => RunRecordReader.Read(path, RunColumnMap.Default)).Message, StringComparison.Ordinal);
    }

    internal sealed class ListLogger : ILogger
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
