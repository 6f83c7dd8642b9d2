using PcfgLab.Sweeps;

namespace PcfgLab.Tests.Sweeps;

public sealed class SweepScheduleTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-schedule-");

    public void Dispose() => _root.Delete(recursive: true);

    /// <summary>Two datasets (or only the first) x the first four study shapes x three budgets: 24 cells (12).</summary>
    private IReadOnlyList<PlanCell> Plan(bool both = true)
    {
        var data = Path.Combine(_root.FullName, "data");
        var a = SweepTestData.WriteManifest(data, "a", 0.1, 8_000_000, 20);
        var spec = new SweepSpec
        {
            Datasets = both ? [a, SweepTestData.WriteManifest(data, "b", 0.6, 8_000_000, 2000)] : [a],
            Shapes = LlamaShape.Study.Take(4).ToArray(),
            Tokens = [100_000, 1_000_000, 3_000_000],
        };
        return SweepPlanner.Plan(spec, _root.FullName);
    }

    private static TrainingRecord Record(long n, long d, double seconds) =>
        new() { CellId = $"c{n}-{d}", Dataset = "a", Device = "cpu", Parameters = n, Tokens = d, WallSeconds = seconds };

    /// <summary>Wall clock of list scheduling <paramref name="order"/> on <paramref name="cores"/> cores (each cell starts on the first free core).</summary>
    private static double Makespan(IEnumerable<PlanCell> order, Func<PlanCell, double> seconds, int cores)
    {
        var free = new double[cores];
        foreach (var cell in order)
        {
            var core = Array.IndexOf(free, free.Min());
            free[core] += seconds(cell);
        }

        return free.Max();
    }

    [Fact]
    public void Every_prefix_is_a_balanced_grid_of_whole_budget_tiers()
    {
        var plan = Plan();
        var order = SweepSchedule.Order(plan, plan, CellCostModel.ByCompute);
        Assert.Equal(plan.Count, order.Length);
        Assert.Equal(plan.Select(c => c.Index).Order(), order.Select(c => c.Index).Order());

        // The 8 cells of each budget (2 datasets x 4 shapes) come together, smallest budget first.
        Assert.All(order.Take(8), c => Assert.Equal(100_000, c.Tokens));
        Assert.All(order.Skip(8).Take(8), c => Assert.Equal(1_000_000, c.Tokens));
        Assert.All(order.Skip(16), c => Assert.Equal(3_000_000, c.Tokens));

        // Within a tier, the longest first.
        for (var tier = 0; tier < 3; tier++)
        {
            var costs = order.Skip(8 * tier).Take(8).Select(c => c.Compute).ToArray();
            Assert.Equal(costs.OrderDescending(), costs);
        }
    }

    [Fact]
    public void On_two_cores_the_last_tier_ends_packed_where_cheapest_first_leaves_one_core_idle()
    {
        // One dataset: cheapest first ends with its largest cell running alone.
        var plan = Plan(both: false);
        var order = SweepSchedule.Order(plan, plan, CellCostModel.ByCompute);
        var cheapestFirst = plan.OrderBy(c => c.Compute).ThenBy(c => c.Index);
        var schedule = Makespan(order, c => c.Compute, 2);
        var old = Makespan(cheapestFirst, c => c.Compute, 2);
        // The longest cell (47% of all the work here) starts as soon as its tier opens, so
        // the run ends no later than the earlier tiers split evenly plus that cell; cheapest first starts it last.
        var longest = plan.Max(c => c.Compute);
        var earlierTiers = plan.Where(c => c.Tokens < 3_000_000).Sum(c => c.Compute);
        Assert.InRange(schedule, plan.Sum(c => c.Compute) / 2, (earlierTiers / 2) + longest);
        Assert.True(old > schedule * 1.2, $"cheapest first {old:E3} against the schedule {schedule:E3}");
    }

    [Fact]
    public void Only_pending_cells_are_ordered_and_tiers_are_ranks_within_each_dataset()
    {
        var plan = Plan();
        var pending = plan.Where(c => c.Dataset == "b" && c.Tokens >= 1_000_000).ToArray();
        var order = SweepSchedule.Order(plan, pending, CellCostModel.ByCompute);
        Assert.Equal(8, order.Length);
        Assert.All(order.Take(4), c => Assert.Equal(1_000_000, c.Tokens));
    }

    [Fact]
    public void The_cost_model_fits_seconds_per_token_as_a_power_of_n()
    {
        // Seconds per token = 1e-6 * N^0.5 exactly: the fit recovers it.
        var records = new[] { Record(10_000, 100_000, 10), Record(1_000_000, 100_000, 100), Record(40_000, 200_000, 40) };
        var model = CellCostModel.FromRecords(records);
        var plan = Plan();
        foreach (var cell in plan)
        {
            Assert.Equal(cell.Tokens * 1e-6 * Math.Sqrt(cell.Parameters), model.Seconds(cell), cell.Tokens * 1e-6 * Math.Sqrt(cell.Parameters) * 1e-9);
        }
    }

    [Fact]
    public void Without_two_distinct_n_recorded_the_model_predicts_by_compute()
    {
        var plan = Plan();
        var model = CellCostModel.FromRecords([Record(10_000, 100_000, 10), Record(10_000, 200_000, 19), Record(0, 100, 1)]);
        Assert.All(plan, c => Assert.Equal(c.Compute, model.Seconds(c)));
    }
}
