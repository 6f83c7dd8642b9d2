using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

/// <summary>Runs drawn from a known law on a log-spaced N x D grid, with seeded multiplicative noise exp(sigma z).</summary>
internal static class SyntheticRuns
{
    public static ChinchillaParameters TrueLaw { get; } = new(1.8, 400, 1500, 0.34, 0.36);

    public static List<FitRun> Grid(Func<double, double, double> law, double sigma, int seed, int sizes = 10, int tokenCounts = 10, string dataset = "synthetic")
    {
        var random = new Random(seed);
        var runs = new List<FitRun>();
        for (var i = 0; i < sizes; i++)
        {
            var n = 1e7 * Math.Pow(1000, sizes == 1 ? 0 : i / (double)(sizes - 1));
            for (var j = 0; j < tokenCounts; j++)
            {
                var d = 1e8 * Math.Pow(1000, tokenCounts == 1 ? 0 : j / (double)(tokenCounts - 1));
                var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                runs.Add(new FitRun(dataset, n, d, law(n, d) * Math.Exp(sigma * z), null, 6 * n * d, runs.Count + 1));
            }
        }

        return runs;
    }

    /// <summary>A reduced initialisation grid (2 x 2 x 1 x 2 x 2 = 16 starts) for tests that are not about the grid.</summary>
    public static FitOptions SmallGrid { get; } = new()
    {
        AlphaGrid = [0.5, 1],
        BetaGrid = [0.5, 1],
        LogEGrid = [0],
        LogAGrid = [5, 10],
        LogBGrid = [5, 10],
    };
}
