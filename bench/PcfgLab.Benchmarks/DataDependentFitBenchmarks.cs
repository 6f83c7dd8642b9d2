using BenchmarkDotNet.Attributes;
using PcfgLab.Scaling;

namespace PcfgLab.Benchmarks;

/// <summary>
/// The study-sized problems of issue 11: the joint data-dependent fit on 216 runs (six datasets at H = 0.1 .. 0.6,
/// a 6 x 6 grid of N and D each, drawn from a law linear in H with 1% seeded noise) with its 1000-resample bootstrap,
/// and Approach 2 on the same grid binned into budgets.
/// </summary>
[MemoryDiagnoser]
public class DataDependentFitBenchmarks
{
    private readonly List<FitRun> _runs = [];
    private readonly List<FitRun> _isoflop = [];
    private DataDependentFit _fit = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(216);
        foreach (var h in new[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 })
        {
            var law = new ChinchillaParameters(1 + (2 * h), 400 - (200 * h), 1000 + (1000 * h), 0.3 + (0.1 * h), 0.4 - (0.2 * h));
            for (var i = 0; i < 6; i++)
            {
                var n = 1e7 * Math.Pow(1000, i / 5.0);
                for (var j = 0; j < 6; j++)
                {
                    var d = 1e8 * Math.Pow(1000, j / 5.0);
                    var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                    _runs.Add(new FitRun($"h{h:0.0}", n, d, law.Loss(n, d) * Math.Exp(0.01 * z), h, 6 * n * d, _runs.Count + 1));
                }
            }
        }

        // IsoFLOP profiles: 12 budgets x 18 sizes of one law.
        var chinchilla = new ChinchillaParameters(1.82, 482, 2085, 0.3478, 0.3658);
        foreach (var c in Enumerable.Range(0, 12).Select(k => 1e18 * Math.Pow(10, k / 3.0)))
        {
            var best = new ComputeOptimalFrontier(chinchilla).OptimalParameters(c);
            for (var j = 0; j < 18; j++)
            {
                var n = best * Math.Pow(10, (j - 8.5) * 0.1);
                var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                _isoflop.Add(new FitRun("iso", n, c / (6 * n), chinchilla.Loss(n, c / (6 * n)) * Math.Exp(0.005 * z), null, c, _isoflop.Count + 1));
            }
        }

        _fit = DataDependentFitter.Fit(_runs, new DataDependentFitOptions());
    }

    /// <summary>The joint fit: 2187 grid starts and the two-step starts, screened, on every core.</summary>
    [Benchmark(Baseline = true)]
    public DataDependentFit JointFit() => DataDependentFitter.Fit(_runs, new DataDependentFitOptions());

    /// <summary>1000 resamples of datasets and runs, 9 starts each, with the frontier band and crossings.</summary>
    [Benchmark]
    public DataDependentAnalysis JointBootstrap1000() => DataDependentAnalysis.Run(_runs, _fit, new DataDependentAnalysisOptions { Resamples = 1000, Seed = 1 });

    /// <summary>Approach 2 on 216 runs in 12 budgets with 1000 resamples.</summary>
    [Benchmark]
    public IsoFlopFit IsoFlopParabola1000() => IsoFlopFitter.Fit(_isoflop, new IsoFlopOptions { Resamples = 1000, Seed = 1 });
}
