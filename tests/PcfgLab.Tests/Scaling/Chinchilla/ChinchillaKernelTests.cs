using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public class ChinchillaKernelTests
{
    private static (double[] LogN, double[] LogD, double[] LogL) Runs(int count)
    {
        var random = new Random(7);
        var logN = new double[count];
        var logD = new double[count];
        var logL = new double[count];
        for (var i = 0; i < count; i++)
        {
            logN[i] = Math.Log(1e6 * Math.Pow(10, 3 * random.NextDouble()));
            logD[i] = Math.Log(1e8 * Math.Pow(10, 3 * random.NextDouble()));
            logL[i] = Math.Log(2 + random.NextDouble());
        }

        return (logN, logD, logL);
    }

    /// <summary>The sums written out one run at a time, straight from the definition.</summary>
    private static double[] Reference(int start, int end, double la, double lb, double le, double alpha, double beta, double[] logN, double[] logD, double[] logL, double delta)
    {
        var sums = new double[6];
        for (var i = start; i < end; i++)
        {
            var x1 = Math.Exp(la - (alpha * logN[i]));
            var x2 = Math.Exp(lb - (beta * logD[i]));
            var x3 = Math.Exp(le);
            var s = x1 + x2 + x3;
            var r = Math.Log(s) - logL[i];
            sums[0] += Math.Abs(r) <= delta ? 0.5 * r * r : delta * (Math.Abs(r) - (0.5 * delta));
            var dh = Math.Clamp(r, -delta, delta);
            sums[1] += dh * x1 / s;
            sums[2] += dh * x2 / s;
            sums[3] += dh * x3 / s;
            sums[4] -= dh * x1 / s * logN[i];
            sums[5] -= dh * x2 / s * logD[i];
        }

        return sums;
    }

    [Theory]
    [InlineData(0, 23)] // the 8-, 4- and 1-wide paths
    [InlineData(5, 8)] // a short range in the middle: scalar only
    [InlineData(3, 15)]
    public void Sums_equal_the_definition_over_any_range_of_runs(int start, int end)
    {
        var (logN, logD, logL) = Runs(23);
        double la = 6, lb = 7.5, le = 0.6, alpha = 0.34, beta = 0.28, delta = 1e-3;
        var sums = new double[6];

        ChinchillaKernel.Sums(start, end, la, lb, le, alpha, beta, logN, logD, logL, delta, sums);

        var expected = Reference(start, end, la, lb, le, alpha, beta, logN, logD, logL, delta);
        for (var k = 0; k < 6; k++)
        {
            // Vector Exp/Log and a different summation order: agreement to 1e-12 relative.
            Assert.True(Math.Abs(sums[k] - expected[k]) <= 1e-12 * Math.Max(1, Math.Abs(expected[k])), $"sum {k}: {sums[k]} vs {expected[k]}");
        }
    }

    [Fact]
    public void The_gradient_is_the_derivative_of_the_sum()
    {
        var (logN, logD, logL) = Runs(19);
        double[] theta = [6, 7.5, 0.6, 0.34, 0.28];
        const double delta = 0.05;
        var sums = new double[6];
        ChinchillaKernel.Sums(0, 19, theta[0], theta[1], theta[2], theta[3], theta[4], logN, logD, logL, delta, sums);
        var at = new double[6];
        for (var k = 0; k < 5; k++)
        {
            const double h = 1e-6;
            var up = (double[])theta.Clone();
            var down = (double[])theta.Clone();
            up[k] += h;
            down[k] -= h;
            ChinchillaKernel.Sums(0, 19, up[0], up[1], up[2], up[3], up[4], logN, logD, logL, delta, at);
            var fUp = at[0];
            ChinchillaKernel.Sums(0, 19, down[0], down[1], down[2], down[3], down[4], logN, logD, logL, delta, at);
            var numeric = (fUp - at[0]) / (2 * h);
            Assert.True(Math.Abs(numeric - sums[k + 1]) <= 1e-6 * Math.Max(1, Math.Abs(numeric)), $"d/dtheta{k}: {sums[k + 1]} vs {numeric}");
        }
    }
}
