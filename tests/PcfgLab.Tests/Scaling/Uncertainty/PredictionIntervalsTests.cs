using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed class PredictionIntervalsTests
{
    [Fact]
    public void Intervals_nest_and_cover_the_truth()
    {
        // 100 runs with 1% log-normal noise: the curve's interval is narrow and holds the true loss (within 4 of its
        // half-widths); a new run's interval is about +-2% (1.96 sigma) around the curve and contains it.
        var law = SyntheticRuns.TrueLaw;
        var runs = SyntheticRuns.Grid(law.Loss, 0.01, 100);
        var fit = ChinchillaFitter.Fit(runs, SyntheticRuns.SmallGrid);
        var point = (3e9, 3e10);
        var interval = PredictionIntervals.Run(runs, fit.Parameters, [point], new PredictionIntervalOptions { Resamples = 300, Seed = 4 })[0];

        var truth = law.Loss(point.Item1, point.Item2);
        Assert.Equal(fit.Parameters.Loss(point.Item1, point.Item2), interval.Loss);
        Assert.True(interval.PredictionLower < interval.ConfidenceLower && interval.ConfidenceLower < interval.Loss && interval.Loss < interval.ConfidenceUpper && interval.ConfidenceUpper < interval.PredictionUpper, interval.ToString());
        var half = 0.5 * (interval.ConfidenceUpper - interval.ConfidenceLower);
        Assert.InRange(truth, interval.Loss - (4 * half), interval.Loss + (4 * half));
        var relativeWidth = (interval.PredictionUpper - interval.PredictionLower) / interval.Loss;
        Assert.InRange(relativeWidth, 0.03, 0.05);
    }

    [Fact]
    public void Intervals_do_not_depend_on_the_thread_count()
    {
        var runs = SyntheticRuns.Grid(SyntheticRuns.TrueLaw.Loss, 0.01, 100);
        var fit = ChinchillaFitter.Fit(runs, SyntheticRuns.SmallGrid);
        var one = PredictionIntervals.Run(runs, fit.Parameters, [(1e9, 1e10)], new PredictionIntervalOptions { Resamples = 40, Seed = 1, MaxDegreeOfParallelism = 1 });
        var three = PredictionIntervals.Run(runs, fit.Parameters, [(1e9, 1e10)], new PredictionIntervalOptions { Resamples = 40, Seed = 1, MaxDegreeOfParallelism = 3 });

        Assert.Equal(one, three);
    }
}
