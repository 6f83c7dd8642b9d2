using PcfgLab.Sweeps;

namespace PcfgLab.Tests.Sweeps;

public sealed class PlanCostEstimateTests
{
    private static PlanCell Cell(string dataset, LlamaShape shape, long tokens, int vocabulary = 2001) => new()
    {
        CellId = PlanCell.MakeId(dataset, shape, tokens, 0),
        Dataset = dataset,
        DatasetPath = dataset,
        Shape = shape,
        Tokens = tokens,
        Vocabulary = vocabulary,
        Parameters = shape.ParameterCount(vocabulary),
        Training = TrainingSettings.Small,
    };

    private static TrainingRecord Record(string dataset, LlamaShape shape, long tokens, double? cpuSeconds, string device = "cpu") => new()
    {
        CellId = PlanCell.MakeId(dataset, shape, tokens, 0),
        Dataset = dataset,
        Shape = shape,
        Tokens = tokens,
        CpuSeconds = cpuSeconds,
        Device = device,
    };

    [Fact]
    public void Without_records_a_cell_costs_the_benchmarks_seconds_per_token_plus_the_overhead()
    {
        // bench/torch/README.md: h64 (64,128,2,2) at vocabulary 2001 trains 34,734 tokens per core-second.
        var cell = Cell("a", new LlamaShape(64, 128, 2, 2), 300_000);

        var estimate = PlanCostEstimate.Estimate([cell], []);

        Assert.Equal((300_000 / 34_734.0) + 2, estimate.CoreSeconds, 9);
        Assert.Equal(1, estimate.CellsFromBenchmark);
        Assert.Equal(0, estimate.CellsFromRecords);
        Assert.StartsWith("bench/torch/README.md", estimate.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void The_benchmark_line_goes_through_its_second_point()
    {
        Assert.Equal(1 / 14_764.0, PlanCostEstimate.BenchSecondsPerToken(new LlamaShape(128, 256, 4, 4).ParameterCount(2001)), 12);
    }

    [Fact]
    public void A_dataset_and_shape_with_real_records_costs_their_median_speed_and_synthetic_or_timeless_records_are_ignored()
    {
        var shape = new LlamaShape(8, 16, 1, 1);
        var other = new LlamaShape(16, 32, 1, 1);
        TrainingRecord[] records =
        [
            Record("a", shape, 100_000, 10), // 10,000 tokens per core-second
            Record("a", shape, 300_000, 10), // 30,000
            Record("a", shape, 200_000, 10), // 20,000: the median
            Record("a", other, 100_000, 1, TrainingRecord.SyntheticDevice),
            Record("a", other, 100_000, null),
        ];

        var estimate = PlanCostEstimate.Estimate([Cell("a", shape, 1_000_000), Cell("a", other, 1_000_000), Cell("b", shape, 1_000_000)], records);

        Assert.Equal(1, estimate.CellsFromRecords);
        Assert.Equal(2, estimate.CellsFromBenchmark);
        var expected = 50 + 2 + (1_000_000 * PlanCostEstimate.BenchSecondsPerToken(other.ParameterCount(2001))) + 2 + (1_000_000 * PlanCostEstimate.BenchSecondsPerToken(shape.ParameterCount(2001))) + 2;
        Assert.Equal(expected, estimate.CoreSeconds, 9);
        Assert.Equal(["a", "b"], estimate.CoreSecondsByDataset.Select(p => p.Key));
        Assert.Contains("for 1 cells", estimate.Source, StringComparison.Ordinal);
    }
}
