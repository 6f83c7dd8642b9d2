namespace PcfgLab.Scaling;

/// <summary>
/// A cheaper multi-start for objectives with many parameters, where running every grid start to convergence costs
/// about a thousand evaluations each: every start first runs a capped number of L-BFGS iterations; the
/// <c>finalists</c> lowest (ties to the lower start index) then run to the screening tolerance of
/// <see cref="MultiStartMinimizer"/>, and the best of those is polished to the full tolerance. Parallel over starts,
/// with sequential reductions, so the answer does not depend on the thread count. The last <c>alwaysFinal</c> starts
/// (informed starts, such as the two-step fit's) are finalists whatever their screened value: a start already near a
/// narrow optimum can screen worse than grid starts sliding down a broad one (the sweep report's joint fit found
/// RMSE 0.148 from its two-step start with 16 grid starts, and 0.210 when 2187 grid starts crowded it out).
/// </summary>
internal static class ScreenedMultiStart
{
    public static MultiStartResult Minimize(HuberLogObjective objective, double[] starts, int cappedIterations, int finalists, int maxDegreeOfParallelism, CancellationToken cancellationToken = default, int alwaysFinal = 0)
    {
        var dim = objective.Dimension;
        var count = starts.Length / dim;
        var ends = (double[])starts.Clone();
        var values = new double[count];
        var evaluations = new long[count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism <= 0 ? -1 : maxDegreeOfParallelism, CancellationToken = cancellationToken };
        ObjectiveWithGradient f = objective.Evaluate;
        const int Chunk = 16;
        var chunks = (count + Chunk - 1) / Chunk;
        Parallel.For(0, chunks, parallel, () => new LbfgsMinimizer(dim) { MaxIterations = cappedIterations, RelativeGradientTolerance = MultiStartMinimizer.ScreeningTolerance, PrecisionGradientTolerance = MultiStartMinimizer.ScreeningPrecisionTolerance }, (chunk, _, minimizer) =>
        {
            var end = Math.Min(count, (chunk + 1) * Chunk);
            for (var s = chunk * Chunk; s < end; s++)
            {
                var r = minimizer.Minimize(f, ends.AsSpan(s * dim, dim));
                values[s] = double.IsFinite(r.Objective) ? r.Objective : double.PositiveInfinity;
                evaluations[s] = r.Evaluations;
            }

            return minimizer;
        }, _ => { });

        var order = new int[count];
        for (var s = 0; s < count; s++)
        {
            order[s] = s;
        }

        // Stable order by value, then index: deterministic whatever ran where.
        Array.Sort(order, (x, y) => values[x] != values[y] ? values[x].CompareTo(values[y]) : x.CompareTo(y));
        var k = Math.Min(finalists, count);
        var picked = new List<int>(k + alwaysFinal);
        for (var j = 0; j < k; j++)
        {
            picked.Add(order[j]);
        }

        for (var s = Math.Max(0, count - alwaysFinal); s < count; s++)
        {
            if (!picked.Contains(s))
            {
                picked.Add(s);
            }
        }

        var chosen = new double[picked.Count * dim];
        for (var j = 0; j < picked.Count; j++)
        {
            ends.AsSpan(picked[j] * dim, dim).CopyTo(chosen.AsSpan(j * dim, dim));
        }

        var final = MultiStartMinimizer.Minimize(objective, chosen, maxDegreeOfParallelism, cancellationToken);
        long total = final.TotalEvaluations;
        foreach (var e in evaluations)
        {
            total += e;
        }

        return final with { BestStart = picked[final.BestStart], Starts = count, TotalEvaluations = total };
    }
}
