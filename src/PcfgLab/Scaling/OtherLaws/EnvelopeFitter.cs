namespace PcfgLab.Scaling;

/// <summary>Options of <see cref="EnvelopeFitter"/>.</summary>
public sealed record EnvelopeOptions
{
    /// <summary>Trailing moving average over this many steps before the envelope (batch noise would otherwise pick the winner).</summary>
    public int Smoothing { get; init; } = 5;

    /// <summary>Log-spaced compute values at which the envelope is taken.</summary>
    public int Points { get; init; } = 40;

    /// <summary>Bootstrap resamples of the runs (curves); 0 for none.</summary>
    public int Resamples { get; init; } = 1000;

    /// <summary>Seed; resample i has its own stream.</summary>
    public ulong Seed { get; init; }

    /// <summary>Threads; 0 or less uses every core. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; }
}

/// <summary>
/// Hoffmann et al.'s Approach 1: smooth each run's training curve, express it against compute C = 6 N t (t the
/// tokens seen), take at each of a log-spaced set of C the model size whose curve is lowest (the lower envelope),
/// and fit N_opt = G C^a and D_opt = C/(6 N_opt) by least squares in log space. The compute grid spans the C covered
/// by at least two model sizes; the fit uses the points whose winner is neither the smallest nor the largest size
/// covering that C when there are two or more such, else all. Runs are resampled with replacement for the intervals.
/// </summary>
public static class EnvelopeFitter
{
    /// <summary>Fits the curves.</summary>
    /// <exception cref="UserInputException">Fewer than two model sizes, or no compute covered by two of them.</exception>
    public static IsoFlopFit Fit(IReadOnlyList<TrainingCurve> curves, EnvelopeOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(curves);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Resamples is < 0 or 1)
        {
            throw UserInputException.ForParameters($"{new Parameter("Resamples")} {options.Resamples}: use 0 (none) or at least 2 resamples");
        }

        if (options.Smoothing < 1 || options.Points < 2)
        {
            throw UserInputException.ForParameters($"{new Parameter("Smoothing")} {options.Smoothing} / {new Parameter("Points")} {options.Points}: need at least 1 step and 2 points");
        }

        var prepared = curves.Select(c => Prepare(c, options.Smoothing)).ToArray();
        if (prepared.Select(p => p.Parameters).Distinct().Count() < 2)
        {
            throw new UserInputException($"Approach 1 needs curves of at least two model sizes; got {prepared.Select(p => p.Parameters).Distinct().Count()}");
        }

        var all = Enumerable.Range(0, prepared.Length).ToArray();
        var (lo, hi) = Span(prepared, all);
        if (!(hi > lo))
        {
            throw new UserInputException("no compute is covered by the curves of two different model sizes, so there is no envelope to take");
        }

        var grid = new double[options.Points];
        for (var k = 0; k < grid.Length; k++)
        {
            grid[k] = lo + ((hi - lo) * k / (grid.Length - 1));
        }

        var envelope = Envelope(prepared, all, grid);
        var points = Usable(envelope);
        var budgets = envelope.Select(p => new IsoFlopBudget(Math.Exp(p.LogC), p.Covering, Math.Exp(p.LogN), Math.Exp(p.LogC - p.LogN) / 6, p.Loss, p.Interior)).ToList();

        var resamples = options.Resamples;
        var bootLogG = new double[resamples];
        var bootA = new double[resamples];
        var bootLogGD = new double[resamples];
        var bootB = new double[resamples];
        var used = new bool[resamples];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism <= 0 ? -1 : options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        Parallel.For(0, resamples, parallel, i =>
        {
            var rng = SplitMix64Stream.ForStream(options.Seed, (ulong)i);
            var pick = new int[prepared.Length];
            for (var k = 0; k < pick.Length; k++)
            {
                pick[k] = rng.NextIndex(prepared.Length);
            }

            var (rlo, rhi) = Span(prepared, pick);
            if (!(rhi > rlo))
            {
                return;
            }

            var rgrid = new double[options.Points];
            for (var k = 0; k < rgrid.Length; k++)
            {
                rgrid[k] = rlo + ((rhi - rlo) * k / (rgrid.Length - 1));
            }

            var rp = Usable(Envelope(prepared, pick, rgrid));
            if (rp.Count < 2)
            {
                return;
            }

            var x = rp.Select(p => p.LogC).ToArray();
            var (g, a) = IsoFlopFitter.LogLine(x, rp.Select(p => p.LogN).ToArray());
            var (gd, b) = IsoFlopFitter.LogLine(x, rp.Select(p => p.LogC - Math.Log(6) - p.LogN).ToArray());
            if (double.IsFinite(a) && double.IsFinite(b))
            {
                (bootLogG[i], bootA[i], bootLogGD[i], bootB[i], used[i]) = (g, a, gd, b, true);
            }
        });

        double[] Pick(double[] values) => [.. values.Where((_, i) => used[i])];
        var (parameters, tokens) = IsoFlopFitter.PowerLaws([.. points.Select(p => p.LogC)], [.. points.Select(p => p.LogN)], Pick(bootLogG), Pick(bootA), Pick(bootLogGD), Pick(bootB));
        return new IsoFlopFit(IsoFlopMinimum.Envelope, budgets, [], parameters, tokens, resamples, used.Count(u => u), options.Seed);
    }

    private sealed record Prepared(double Parameters, double[] LogC, double[] Loss);

    /// <summary>
    /// The points the power laws are fitted to: those whose winner is neither the smallest nor the largest size
    /// reaching that compute (elsewhere the optimum may lie beyond the sizes trained, which biases the exponent), when
    /// there are at least two of them; otherwise all.
    /// </summary>
    private static List<Point> Usable(List<Point> points)
    {
        var interior = points.Where(p => p.Interior).ToList();
        return interior.Select(p => p.LogC).Distinct().Count() >= 2 ? interior : points;
    }

    private static Prepared Prepare(TrainingCurve curve, int window)
    {
        var n = curve.Losses.Count;
        var logC = new double[n];
        var loss = new double[n];
        double sum = 0;
        for (var k = 0; k < n; k++)
        {
            sum += curve.Losses[k];
            if (k >= window)
            {
                sum -= curve.Losses[k - window];
            }

            loss[k] = sum / Math.Min(k + 1, window);
            var seen = Math.Min(curve.Tokens, (k + 1) * curve.TokensPerStep);
            logC[k] = Math.Log(6 * curve.Parameters * seen);
        }

        return new Prepared(curve.Parameters, logC, loss);
    }

    /// <summary>The log C range covered by curves of at least two model sizes.</summary>
    private static (double Low, double High) Span(Prepared[] curves, int[] pick)
    {
        // Per model size the covered range is the union of its curves' ranges; the envelope needs two sizes at once.
        var ranges = pick.GroupBy(i => curves[i].Parameters).Select(g => (Low: g.Min(i => curves[i].LogC[0]), High: g.Max(i => curves[i].LogC[^1]))).ToArray();
        if (ranges.Length < 2)
        {
            return (0, 0);
        }

        var lows = ranges.Select(r => r.Low).Order().ToArray();
        var highs = ranges.Select(r => r.High).OrderDescending().ToArray();
        return (lows[1], highs[1]);
    }

    private readonly record struct Point(double LogC, double LogN, double Loss, int Covering, bool Interior);

    private static List<Point> Envelope(Prepared[] curves, int[] pick, double[] grid)
    {
        var points = new List<Point>(grid.Length);
        foreach (var x in grid)
        {
            var bestLoss = double.PositiveInfinity;
            var bestN = 0.0;
            var sizes = new SortedSet<double>();
            foreach (var i in pick)
            {
                var c = curves[i];
                if (x < c.LogC[0] || x > c.LogC[^1])
                {
                    continue;
                }

                sizes.Add(c.Parameters);
                var loss = Interpolate(c, x);
                if (loss < bestLoss || (loss == bestLoss && c.Parameters < bestN))
                {
                    bestLoss = loss;
                    bestN = c.Parameters;
                }
            }

            if (sizes.Count >= 2)
            {
                points.Add(new Point(x, Math.Log(bestN), bestLoss, sizes.Count, bestN != sizes.Min && bestN != sizes.Max));
            }
        }

        return points;
    }

    private static double Interpolate(Prepared c, double x)
    {
        var k = Array.BinarySearch(c.LogC, x);
        if (k >= 0)
        {
            return c.Loss[k];
        }

        k = ~k;
        if (k == 0)
        {
            return c.Loss[0];
        }

        if (k >= c.LogC.Length)
        {
            return c.Loss[^1];
        }

        var width = c.LogC[k] - c.LogC[k - 1];
        if (width == 0)
        {
            return c.Loss[k];
        }

        var t = (x - c.LogC[k - 1]) / width;
        return c.Loss[k - 1] + (t * (c.Loss[k] - c.Loss[k - 1]));
    }
}
