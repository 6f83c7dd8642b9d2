using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed class MultiStartMinimizerTests
{
    /// <summary>
    /// One-dimensional double well 1 + (x^2 - 1)^2 + tilt x. With tilt 0.3 the basins are near x = +0.96 (local,
    /// f about 1.29) and x = -1.04 (global, f about 0.70); with tilt 0 the well is symmetric and both minima give f = 1.
    /// </summary>
    private sealed class DoubleWell : HuberLogObjective
    {
        private readonly double _tilt;

        public DoubleWell(double tilt)
            : base([], 1)
        {
            _tilt = tilt;
        }

        public override int Dimension => 1;

        public override double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
        {
            var x = theta[0];
            var w = (x * x) - 1;
            gradient[0] = (4 * x * w) + _tilt;
            return 1 + (w * w) + (_tilt * x);
        }

        public override double LogPrediction(ReadOnlySpan<double> theta, int run) => throw new ArgumentOutOfRangeException(nameof(run));
    }

    // Global minimiser of 1 + (x^2 - 1)^2 + 0.3 x: the root of 4x^3 - 4x + 0.3 near -1, by Newton's method.
    private static double TiltedGlobalMinimiser()
    {
        var x = -1.0;
        for (var i = 0; i < 50; i++)
        {
            x -= ((4 * x * x * x) - (4 * x) + 0.3) / ((12 * x * x) - 4);
        }

        return x;
    }

    /// <summary>The double well that cancels a token after a given number of evaluations and counts them all.</summary>
    private sealed class CancellingWell(CancellationTokenSource source, int cancelAfter) : HuberLogObjective([], 1)
    {
        private int _evaluations;

        public int Evaluations => _evaluations;

        public override int Dimension => 1;

        public override double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
        {
            if (Interlocked.Increment(ref _evaluations) == cancelAfter)
            {
                source.Cancel();
            }

            var x = theta[0];
            var w = (x * x) - 1;
            gradient[0] = 4 * x * w;
            return 1 + (w * w);
        }

        public override double LogPrediction(ReadOnlySpan<double> theta, int run) => throw new ArgumentOutOfRangeException(nameof(run));
    }

    [Fact]
    public void A_cancelled_token_stops_within_one_evaluation_not_at_the_next_chunk_of_starts()
    {
        // 16 starts make one chunk, which ran whole before the token was looked at (a 10M-row fit ignored Ctrl+C for
        // minutes); now the evaluation after the cancelling one throws.
        using var source = new CancellationTokenSource();
        var objective = new CancellingWell(source, 5);
        var starts = Enumerable.Range(0, 16).Select(i => 2.0 + i).ToArray();
        Assert.ThrowsAny<OperationCanceledException>(() => MultiStartMinimizer.Minimize(objective, starts, 1, source.Token));
        Assert.Equal(5, objective.Evaluations);

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var none = new CancellingWell(cancelled, -1);
        Assert.ThrowsAny<OperationCanceledException>(() => MultiStartMinimizer.Minimize(none, starts, 1, cancelled.Token));
        Assert.Equal(0, none.Evaluations);
    }

    [Fact]
    public void Finds_the_global_minimum_of_two_basins()
    {
        // Starts 0 and 1 lie in the local basin (x > 0), start 2 in the global one: the first start must not win.
        var result = MultiStartMinimizer.Minimize(new DoubleWell(0.3), [1.5, 0.6, -0.4, 2.5], 1);

        var expected = TiltedGlobalMinimiser();
        Assert.Equal(2, result.BestStart);
        Assert.Equal(4, result.Starts);
        Assert.Equal(4, result.ConvergedStarts);
        Assert.True(result.Converged, result.ToString());

        // The polish stops at ||g|| <= 1e-6 f (f about 0.70); f'' there is about 8, so |x - x*| < 1e-7.
        Assert.Equal(expected, result.Theta[0], 1e-7);
        var gradient = new double[1];
        var fStar = new DoubleWell(0.3).Evaluate([expected], gradient);
        Assert.Equal(fStar, result.Objective, 1e-12);
        Assert.True(result.Objective < 0.75, result.ToString());
    }

    [Fact]
    public void Result_is_identical_for_one_and_two_threads()
    {
        // 40 starts spread over both basins: three chunks of up to 16, so two threads really split the work.
        var starts = new double[40];
        for (var i = 0; i < starts.Length; i++)
        {
            starts[i] = -2.2 + (0.11 * i);
        }

        var one = MultiStartMinimizer.Minimize(new DoubleWell(0.3), starts, 1);
        var two = MultiStartMinimizer.Minimize(new DoubleWell(0.3), starts, 2);

        Assert.Equal(one.Theta, two.Theta);
        Assert.Equal(one.Objective, two.Objective);
        Assert.Equal(one.BestStart, two.BestStart);
        Assert.Equal(one.ConvergedStarts, two.ConvergedStarts);
        Assert.Equal(one.Iterations, two.Iterations);
        Assert.Equal(one.TotalEvaluations, two.TotalEvaluations);
        Assert.Equal(TiltedGlobalMinimiser(), one.Theta[0], 1e-7);
    }

    [Fact]
    public void Ties_go_to_the_lowest_start_index()
    {
        // The untilted well is symmetric and floating-point negation is exact, so starts at +2 and -2 run as exact
        // mirror images and end with bit-identical objectives: the tie must go to start 0 whichever side it is on.
        var positiveFirst = MultiStartMinimizer.Minimize(new DoubleWell(0), [2, -2], 1);
        var negativeFirst = MultiStartMinimizer.Minimize(new DoubleWell(0), [-2, 2], 1);

        Assert.Equal(0, positiveFirst.BestStart);
        Assert.Equal(0, negativeFirst.BestStart);
        Assert.Equal(1.0, positiveFirst.Theta[0], 1e-6);
        Assert.Equal(-1.0, negativeFirst.Theta[0], 1e-6);
        Assert.Equal(positiveFirst.Objective, negativeFirst.Objective);
    }

    [Fact]
    public void Every_start_non_finite_is_an_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => MultiStartMinimizer.Minimize(new NaNObjective(), [1, 2], 1));
        Assert.Equal("every start gave a non-finite objective", error.Message);
    }

    private sealed class NaNObjective : HuberLogObjective
    {
        public NaNObjective()
            : base([], 1)
        {
        }

        public override int Dimension => 1;

        public override double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
        {
            gradient[0] = double.NaN;
            return double.NaN;
        }

        public override double LogPrediction(ReadOnlySpan<double> theta, int run) => throw new ArgumentOutOfRangeException(nameof(run));
    }
}
