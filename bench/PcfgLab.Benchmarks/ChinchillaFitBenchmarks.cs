using BenchmarkDotNet.Attributes;
using PcfgLab.Scaling;

namespace PcfgLab.Benchmarks;

/// <summary>
/// The Chinchilla Approach-3 fit on 240 runs (a 16 x 15 grid of N and D drawn from Epoch's fitted law with 1% seeded
/// noise, the size of Epoch's Chinchilla data): the full 4500-start grid, on every core and on one, and a
/// 1000-resample bootstrap.
/// </summary>
[MemoryDiagnoser]
public class ChinchillaFitBenchmarks
{
    private List<FitRun> _runs = [];
    private ChinchillaFit _fit = null!;

    [GlobalSetup]
    public void Setup()
    {
        var law = new ChinchillaParameters(1.817, 478, 2143, 0.3473, 0.3672);
        var random = new Random(42);
        for (var i = 0; i < 16; i++)
        {
            var n = 5e7 * Math.Pow(300, i / 15.0);
            for (var j = 0; j < 15; j++)
            {
                var d = 2.5e8 * Math.Pow(1000, j / 14.0);
                var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                _runs.Add(new FitRun("bench", n, d, law.Loss(n, d) * Math.Exp(0.01 * z)));
            }
        }

        _fit = ChinchillaFitter.Fit(_runs, new FitOptions());
    }

    /// <summary>4500 L-BFGS starts on every core.</summary>
    [Benchmark(Baseline = true)]
    public ChinchillaFit FullGridFit() => ChinchillaFitter.Fit(_runs, new FitOptions());

    /// <summary>4500 L-BFGS starts on one core.</summary>
    [Benchmark]
    public ChinchillaFit FullGridFitOneThread() => ChinchillaFitter.Fit(_runs, new FitOptions { MaxDegreeOfParallelism = 1 });

    /// <summary>1000 resamples, 9 starts each, on every core.</summary>
    [Benchmark]
    public BootstrapResult Bootstrap1000() => Bootstrap.Run(_runs, _fit, new BootstrapOptions { Resamples = 1000, Seed = 1 });
}
