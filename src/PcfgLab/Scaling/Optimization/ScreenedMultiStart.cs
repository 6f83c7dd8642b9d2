namespace PcfgLab.Scaling;

/// <summary>
/// A cheaper multi-start for objectives with many parameters, where running every grid start to convergence costs
/// about a thousand evaluations each: every start first runs a capped number of L-BFGS iterations; the
/// <c>finalists</c> lowest (ties to the lower start index) then run to the screening tolerance of
/// <see cref="MultiStartMinimizer"/>, and the best of those is polished to the full tolerance. Parallel over starts,
/// with sequential reductions, so the answer does not depend on the thread count.
/// </summary>
internal static class ScreenedMultiStart
{
    public static MultiStartResult Minimize(HuberLogObjective objective, double[] starts, int cappedIterations, int finalists, int maxDegreeOfParallelism, CancellationToken cancellationToken = default)
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
        var chosen = new double[k * dim];
        for (var j = 0; j < k; j++)
        {
            ends.AsSpan(order[j] * dim, dim).CopyTo(chosen.AsSpan(j * dim, dim));
        }

        var final = MultiStartMinimizer.Minimize(objective, chosen, maxDegreeOfParallelism, cancellationToken);
        long total = final.TotalEvaluations;
        foreach (var e in evaluations)
        {
            total += e;
        }

        return final with { BestStart = order[final.BestStart], Starts = count, TotalEvaluations = total };
    }
}
