using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed class HuberLogObjectiveTests
{
    // A Chinchilla-like point: A = e^6, B = e^7, E = e^0.5, alpha = 0.34, beta = 0.28.
    private static readonly double[] ChinchillaTheta = { 6, 7, 0.5, 0.34, 0.28 };

    private static double DirectChinchillaLogPrediction(double[] theta, double n, double d) =>
        Math.Log((Math.Exp(theta[0]) * Math.Pow(n, -theta[3])) + (Math.Exp(theta[1]) * Math.Pow(d, -theta[4])) + Math.Exp(theta[2]));

    private static ChinchillaObjective Chinchilla(int runs, double delta, double residualSpread)
    {
        var logN = new double[runs];
        var logD = new double[runs];
        var logL = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var n = 1e7 * Math.Pow(3, i % 5);
            var d = 2e8 * Math.Pow(2.5, i % 4);
            logN[i] = Math.Log(n);
            logD[i] = Math.Log(d);

            // Residuals alternate sign and grow, so some runs are inside delta and some outside.
            logL[i] = DirectChinchillaLogPrediction(ChinchillaTheta, n, d) - (residualSpread * (i + 1) * (i % 2 == 0 ? 1 : -1));
        }

        return new ChinchillaObjective(logN, logD, logL, delta);
    }

    [Theory]
    [InlineData(0.25, 0.5, 0.03125)]
    [InlineData(-0.25, 0.5, 0.03125)]
    [InlineData(0.5, 0.5, 0.125)]
    [InlineData(1.0, 0.5, 0.375)]
    [InlineData(-2.0, 0.5, 0.875)]
    [InlineData(0.0, 1e-3, 0.0)]
    public void Huber_is_quadratic_inside_delta_and_linear_outside(double r, double delta, double expected)
    {
        // Binary-exact inputs: the values are exact.
        Assert.Equal(expected, HuberLogObjective.Huber(r, delta));
    }

    [Fact]
    public void Huber_switch_at_delta_is_continuous_in_value_and_slope()
    {
        const double Delta = 1e-3;
        var below = Math.BitDecrement(Delta);
        var above = Math.BitIncrement(Delta);
        Assert.Equal(0.5 * Delta * Delta, HuberLogObjective.Huber(Delta, Delta));
        Assert.Equal(HuberLogObjective.Huber(below, Delta), HuberLogObjective.Huber(above, Delta), 1e-20);
        Assert.Equal(Delta, HuberLogObjective.HuberDerivative(Delta, Delta));
        Assert.Equal(Delta, HuberLogObjective.HuberDerivative(above, Delta));
        Assert.Equal(below, HuberLogObjective.HuberDerivative(below, Delta));
        Assert.Equal(-Delta, HuberLogObjective.HuberDerivative(-5 * Delta, Delta));
        Assert.Equal(Delta, HuberLogObjective.HuberDerivative(5, Delta));
    }

    [Fact]
    public void Chinchilla_value_is_the_hand_computed_Huber_sum()
    {
        const double Delta = 1e-3;
        double[] n = { 1e8, 1e9, 4e9 };
        double[] d = { 2e9, 2e10, 8e10 };

        // log L = log prediction - r, so the residual (log prediction - log L) of each run is r.
        double[] r = { 0.0005, -0.002, 0.01 };
        var logL = new double[3];
        for (var i = 0; i < 3; i++)
        {
            logL[i] = DirectChinchillaLogPrediction(ChinchillaTheta, n[i], d[i]) - r[i];
        }

        var objective = new ChinchillaObjective(Array.ConvertAll(n, Math.Log), Array.ConvertAll(d, Math.Log), logL, Delta);

        // 0.5 * 0.0005^2 (inside) + 1e-3 * (0.002 - 0.0005) + 1e-3 * (0.01 - 0.0005) (outside).
        const double Expected = 1.25e-7 + 1.5e-6 + 9.5e-6;
        var value = objective.Evaluate(ChinchillaTheta, new double[5]);

        // The residuals are recovered to a few ulps of log L (about 1e-15); Huber's slope is at most delta, so the sum
        // is off by at most 3 * 1e-3 * 1e-15.
        Assert.Equal(Expected, value, 1e-16);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(r[i], objective.LogPrediction(ChinchillaTheta, i) - logL[i], 1e-13);
        }
    }

    public static TheoryData<int, double[]> ChinchillaPoints() => new()
    {
        { 0, new double[] { 6, 7, 0.5, 0.34, 0.28 } },
        { 1, new double[] { 5.2, 7.8, 0.9, 0.3, 0.35 } },
        { 2, new double[] { 8, 6, -0.2, 0.5, 0.2 } },
    };

    [Theory]
    [MemberData(nameof(ChinchillaPoints))]
    public void Chinchilla_gradient_matches_central_differences(int point, double[] theta)
    {
        _ = point;

        // 15 runs = 8 (AVX-512 block, where available) + 4 (Vector256 block) + 3 (scalar tail): every path contributes.
        // Residual spacing 0.0093 keeps every residual away from delta = 0.05 at the first point: a residual exactly at the switch puts
        // Huber's second-derivative jump inside [-h, h] and biases central differences by about h f''/4.
        var objective = Chinchilla(15, 0.05, 0.0093);
        AssertGradientMatchesFiniteDifferences(objective, theta);
    }

    [Fact]
    public void Learning_curve_gradient_matches_central_differences()
    {
        var logX = new double[7];
        var logL = new double[7];
        for (var i = 0; i < 7; i++)
        {
            logX[i] = Math.Log(1e6 * Math.Pow(4, i));
            logL[i] = Math.Log(Math.Exp(4 - (0.3 * logX[i])) + Math.Exp(0.4)) + (0.02 * (i - 3));
        }

        var objective = new LearningCurveObjective(logX, logL, 0.03);
        AssertGradientMatchesFiniteDifferences(objective, new double[] { 4, 0.4, 0.3 });
        AssertGradientMatchesFiniteDifferences(objective, new double[] { 3.5, 0.2, 0.25 });
        AssertGradientMatchesFiniteDifferences(objective, new double[] { 5, 0.7, 0.4 });
    }

    [Fact]
    public void Rosenfeld_gradient_matches_central_differences()
    {
        var logData = new double[6];
        var logModel = new double[6];
        var logL = new double[6];
        for (var i = 0; i < 6; i++)
        {
            logData[i] = Math.Log(1e5 * Math.Pow(5, i));
            logModel[i] = Math.Log(1e4 * Math.Pow(3, 5 - i));
            logL[i] = Math.Log(1.5 + (0.2 * i)) - (0.05 * i);
        }

        var objective = new RosenfeldObjective(logData, logModel, logL, 4.0, 0.04);
        AssertGradientMatchesFiniteDifferences(objective, new double[] { 2, 1.5, -0.5, 0.3, 0.25, 0.4, 0.3 });
        AssertGradientMatchesFiniteDifferences(objective, new double[] { 1, 2.5, 0.1, 0.2, 0.35, -0.6, 1.1 });
    }

    [Fact]
    public void Vectorised_and_scalar_paths_agree()
    {
        // Evaluate on 15 runs goes through the 8-wide (AVX-512), 4-wide and scalar paths; a one-run objective takes only
        // the scalar path. Their sums must agree to rounding: Vector Exp/Log are within a few ulps of Math.Exp/Log,
        // and the residuals feed Huber terms of size up to 1e-3, so 1e-12 relative is a loose bound.
        var whole = Chinchilla(15, 0.05, 0.01);
        var theta = new double[] { 5.2, 7.8, 0.9, 0.3, 0.35 };
        var gradient = new double[5];
        var value = whole.Evaluate(theta, gradient);

        double summed = 0;
        var summedGradient = new double[5];
        var single = new double[5];
        for (var i = 0; i < 15; i++)
        {
            var one = SingleRun(i);
            summed += one.Evaluate(theta, single);
            for (var k = 0; k < 5; k++)
            {
                summedGradient[k] += single[k];
            }

            // LogPrediction is the scalar prediction of that run.
            Assert.Equal(whole.LogPrediction(theta, i), one.LogPrediction(theta, 0));
        }

        Assert.True(value > 0);
        Assert.Equal(summed, value, Math.Abs(summed) * 1e-12);
        for (var k = 0; k < 5; k++)
        {
            Assert.Equal(summedGradient[k], gradient[k], 1e-12 * (1 + Math.Abs(summedGradient[k])));
        }

        static ChinchillaObjective SingleRun(int i)
        {
            var n = 1e7 * Math.Pow(3, i % 5);
            var d = 2e8 * Math.Pow(2.5, i % 4);
            var logL = DirectChinchillaLogPrediction(ChinchillaTheta, n, d) - (0.01 * (i + 1) * (i % 2 == 0 ? 1 : -1));
            return new ChinchillaObjective([Math.Log(n)], [Math.Log(d)], [logL], 0.05);
        }
    }

    private static void AssertGradientMatchesFiniteDifferences(HuberLogObjective objective, double[] theta)
    {
        var dim = objective.Dimension;
        var gradient = new double[dim];
        objective.Evaluate(theta, gradient);
        var scratch = new double[dim];
        var shifted = (double[])theta.Clone();
        for (var k = 0; k < dim; k++)
        {
            // Central differences with h = 1e-6: truncation error ~ h^2 * f''' and rounding ~ 1e-16 * f / h, both
            // below 1e-9 here (f is O(1e-2) to O(1)); a kink of Huber's second derivative inside [-h, h] adds at most
            // h * |f''| jump ~ 1e-6 * (number of runs), so 1e-5 (1 + |g|) is a safe bound that still catches any wrong
            // term (those are off by O(|g|)).
            const double H = 1e-6;
            shifted[k] = theta[k] + H;
            var up = objective.Evaluate(shifted, scratch);
            shifted[k] = theta[k] - H;
            var down = objective.Evaluate(shifted, scratch);
            shifted[k] = theta[k];
            var numeric = (up - down) / (2 * H);
            Assert.True(Math.Abs(numeric - gradient[k]) <= 1e-5 * (1 + Math.Abs(gradient[k])),
                $"component {k}: analytic {gradient[k]:R}, central difference {numeric:R}");
        }
    }
}
