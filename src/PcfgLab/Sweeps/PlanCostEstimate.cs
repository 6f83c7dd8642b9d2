using System.Globalization;
using MathNet.Numerics.Statistics;

namespace PcfgLab.Sweeps;

/// <summary>
/// What a plan is expected to cost on a CPU, in core-seconds (user + system CPU time of the trainer, all threads):
/// from the records' measured speed for cells whose dataset and shape were trained before, and from the adapter's
/// benchmark (bench/torch/README.md) otherwise.
/// </summary>
public sealed record PlanCostEstimate
{
    /// <summary>
    /// Core-seconds per training token of the adapter at a cell of N parameters, as a line through bench/torch/README.md's
    /// two measurements (issue 25, AMD EPYC, bf16, one thread, vocabulary 2001): h64 (N 338,368) at 34,734 and h128
    /// (N 1,168,768) at 14,764 tokens per core-second.
    /// </summary>
    internal static double BenchSecondsPerToken(long parameters)
    {
        const double n1 = 338_368, n2 = 1_168_768;
        const double t1 = 1.0 / 34_734, t2 = 1.0 / 14_764;
        const double slope = (t2 - t1) / (n2 - n1);
        return Math.Max(t1 * 0.25, t1 + (slope * (parameters - n1)));
    }

    /// <summary>
    /// Core-seconds each cell costs besides its training loop: Python and torch starting and validation (the process's
    /// user + system time less the record's cpu_seconds was 1.8 in each of three designed pilot cells, docs/sweep.md).
    /// </summary>
    public const double OverheadSecondsPerCell = 2;

    /// <summary>Cells estimated.</summary>
    public int Cells { get; init; }

    /// <summary>Cells whose speed came from records of the same dataset and shape.</summary>
    public int CellsFromRecords { get; init; }

    /// <summary>Cells whose speed came from the benchmark line.</summary>
    public int CellsFromBenchmark { get; init; }

    /// <summary>Estimated core-seconds of all cells.</summary>
    public double CoreSeconds { get; init; }

    /// <summary>Estimated core-seconds per dataset, in plan order.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> CoreSecondsByDataset { get; init; } = [];

    /// <summary>Where the speeds came from, in words.</summary>
    public string Source => CellsFromRecords == 0 ? "bench/torch/README.md's adapter speed (no record of these datasets and shapes)"
        : CellsFromBenchmark == 0 ? "the records' tokens per core-second"
        : string.Create(CultureInfo.InvariantCulture, $"the records' tokens per core-second for {CellsFromRecords} cells, bench/torch/README.md's adapter speed for {CellsFromBenchmark}");

    /// <summary>
    /// Estimates <paramref name="cells"/>: a cell costs D divided by the median tokens per core-second of the real
    /// records (D / cpu_seconds) of its dataset and shape, or by the benchmark's speed at its N, plus
    /// <see cref="OverheadSecondsPerCell"/>.
    /// </summary>
    public static PlanCostEstimate Estimate(IReadOnlyList<PlanCell> cells, IEnumerable<TrainingRecord> records)
    {
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(records);
        var rates = new Dictionary<(string, LlamaShape), List<double>>();
        foreach (var r in records)
        {
            if (!r.IsSynthetic && r.Shape is { } shape && r.CpuSeconds is double seconds && seconds > 0 && double.IsFinite(seconds) && r.Tokens > 0)
            {
                var key = (r.Dataset, shape);
                if (!rates.TryGetValue(key, out var list))
                {
                    rates[key] = list = [];
                }

                list.Add(r.Tokens / seconds);
            }
        }

        var byDataset = new List<KeyValuePair<string, double>>();
        double total = 0;
        var fromRecords = 0;
        foreach (var cell in cells)
        {
            double seconds;
            if (rates.TryGetValue((cell.Dataset, cell.Shape), out var list))
            {
                fromRecords++;
                seconds = cell.Tokens / list.Median();
            }
            else
            {
                seconds = cell.Tokens * BenchSecondsPerToken(cell.Parameters);
            }

            seconds += OverheadSecondsPerCell;
            total += seconds;
            if (byDataset.Count > 0 && byDataset[^1].Key == cell.Dataset)
            {
                byDataset[^1] = new(cell.Dataset, byDataset[^1].Value + seconds);
            }
            else
            {
                byDataset.Add(new(cell.Dataset, seconds));
            }
        }

        return new PlanCostEstimate
        {
            Cells = cells.Count,
            CellsFromRecords = fromRecords,
            CellsFromBenchmark = cells.Count - fromRecords,
            CoreSeconds = total,
            CoreSecondsByDataset = byDataset,
        };
    }
}
