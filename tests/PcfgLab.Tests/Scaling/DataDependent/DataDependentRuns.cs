using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

/// <summary>Runs of several datasets drawn from a known data-dependent law, with seeded multiplicative noise exp(sigma z).</summary>
internal static class DataDependentRuns
{
    /// <summary>E = 1 + 2H, A = 400 - 200H, B = 1000 + 1000H, alpha = 0.3 + 0.1H, beta = 0.4 - 0.2H.</summary>
    public static JointLaw TrueLaw { get; } = new(new(2, 1), new(-200, 400), new(1000, 1000), new(0.1, 0.3), new(-0.2, 0.4), false);

    public static IReadOnlyList<double> H { get; } = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];

    public static List<FitRun> Draw(JointLaw law, double sigma, int seed, int sizes = 5, int tokenCounts = 5)
    {
        var random = new Random(seed);
        var runs = new List<FitRun>();
        foreach (var h in H)
        {
            for (var i = 0; i < sizes; i++)
            {
                var n = 1e7 * Math.Pow(1000, i / (double)(sizes - 1));
                for (var j = 0; j < tokenCounts; j++)
                {
                    var d = 1e8 * Math.Pow(1000, j / (double)(tokenCounts - 1));
                    var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                    runs.Add(new FitRun($"h{h:0.0}", n, d, law.Loss(n, d, h) * Math.Exp(sigma * z), h, 6 * n * d, runs.Count + 1));
                }
            }
        }

        return runs;
    }

    /// <summary>A reduced grid (2 x 2 x 1 x 2 x 2 x 1 = 16 starts, plus the two-step starts) for tests that are not about the grid.</summary>
    public static DataDependentFitOptions SmallGrid { get; } = new()
    {
        AlphaGrid = [0.3, 0.6],
        BetaGrid = [0.3, 0.6],
        LogEGrid = [0],
        LogAGrid = [4, 8],
        LogBGrid = [4, 8],
        ExponentTiltGrid = [0],
        Finalists = 8,
    };
}
