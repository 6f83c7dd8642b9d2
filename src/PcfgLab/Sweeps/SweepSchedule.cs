namespace PcfgLab.Sweeps;

/// <summary>
/// The order in which <see cref="SweepRunner"/> starts the pending cells. On a machine with a few cores the order
/// decides the wall clock and what a stopped sweep leaves: cells go in tiers by their budget's rank among their
/// dataset's budgets (every dataset's smallest budget first, for every shape), so every prefix of a run is a balanced
/// grid; within a tier the longest predicted cell goes first (longest-processing-time packing), so the short cells of
/// the last tier fill the cores at the end instead of one long cell running alone.
/// </summary>
internal static class SweepSchedule
{
    /// <summary>
    /// Orders <paramref name="pending"/> (cells of <paramref name="plan"/>) by tier, then by predicted seconds
    /// (longest first), then by plan index.
    /// </summary>
    public static PlanCell[] Order(IReadOnlyList<PlanCell> plan, IEnumerable<PlanCell> pending, CellCostModel cost)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(cost);
        var budgets = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var group in plan.GroupBy(c => c.Dataset, StringComparer.Ordinal))
        {
            budgets[group.Key] = group.Select(c => c.Tokens).Distinct().Order().ToArray();
        }

        return pending
            .Select(c => (Cell: c, Tier: Array.BinarySearch(budgets[c.Dataset], c.Tokens), Seconds: cost.Seconds(c)))
            .OrderBy(x => x.Tier)
            .ThenByDescending(x => x.Seconds)
            .ThenBy(x => x.Cell.Index)
            .Select(x => x.Cell)
            .ToArray();
    }
}

/// <summary>
/// A cell's predicted training time from the records of cells already trained: seconds per token as a power of N,
/// fitted by least squares in log-log over the records (the tiny models' per-operation overhead makes the cost grow
/// more slowly than N). With fewer than two distinct N recorded, the prediction is the cell's compute C = 6ND (any
/// unit serves: only the order matters).
/// </summary>
internal sealed class CellCostModel
{
    private readonly double _intercept;
    private readonly double _slope;
    private readonly bool _fitted;

    private CellCostModel(double intercept, double slope, bool fitted)
    {
        _intercept = intercept;
        _slope = slope;
        _fitted = fitted;
    }

    /// <summary>A model that predicts by compute alone.</summary>
    public static CellCostModel ByCompute { get; } = new(0, 1, fitted: false);

    /// <summary>Fits seconds per token against N over <paramref name="records"/> (those with a positive N, D and time).</summary>
    public static CellCostModel FromRecords(IEnumerable<TrainingRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var r in records)
        {
            if (r.Parameters > 0 && r.Tokens > 0 && r.WallSeconds > 0 && double.IsFinite(r.WallSeconds))
            {
                xs.Add(Math.Log(r.Parameters));
                ys.Add(Math.Log(r.WallSeconds / r.Tokens));
            }
        }

        if (xs.Distinct().Count() < 2)
        {
            return ByCompute;
        }

        var mx = xs.Average();
        var my = ys.Average();
        double sxy = 0, sxx = 0;
        for (var i = 0; i < xs.Count; i++)
        {
            sxy += (xs[i] - mx) * (ys[i] - my);
            sxx += (xs[i] - mx) * (xs[i] - mx);
        }

        var slope = sxy / sxx;
        return new CellCostModel(my - (slope * mx), slope, fitted: true);
    }

    /// <summary>Predicted seconds of <paramref name="cell"/> (or its compute, for a model without records).</summary>
    public double Seconds(PlanCell cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return _fitted
            ? cell.Tokens * Math.Exp(_intercept + (_slope * Math.Log(Math.Max(1, cell.Parameters))))
            : cell.Compute;
    }
}
