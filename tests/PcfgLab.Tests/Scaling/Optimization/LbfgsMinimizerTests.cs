using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed class LbfgsMinimizerTests
{
    // 0.5 (x - m)^T A (x - m) + 3 with A symmetric positive definite (eigenvalues between about 0.6 and 4.5).
    private static readonly double[,] QuadraticMatrix = { { 4, 1, 0 }, { 1, 3, 0.5 }, { 0, 0.5, 1 } };
    private static readonly double[] QuadraticMinimum = { 1.5, -2, 0.25 };

    private static double Quadratic(ReadOnlySpan<double> x, Span<double> gradient)
    {
        double value = 0;
        for (var i = 0; i < 3; i++)
        {
            double row = 0;
            for (var j = 0; j < 3; j++)
            {
                row += QuadraticMatrix[i, j] * (x[j] - QuadraticMinimum[j]);
            }

            gradient[i] = row;
            value += 0.5 * (x[i] - QuadraticMinimum[i]) * row;
        }

        return value + 3;
    }

    private static double Rosenbrock(ReadOnlySpan<double> x, Span<double> gradient)
    {
        var a = 1 - x[0];
        var b = x[1] - (x[0] * x[0]);
        gradient[0] = (-2 * a) - (400 * x[0] * b);
        gradient[1] = 200 * b;
        return (a * a) + (100 * b * b);
    }

    private static ObjectiveWithGradient ScaledRosenbrockPlusOne(double scale) => (x, gradient) =>
    {
        var value = Rosenbrock(x, gradient);
        gradient[0] *= scale;
        gradient[1] *= scale;
        return scale * (1 + value);
    };

    [Fact]
    public void Convex_quadratic_reaches_its_exact_minimum()
    {
        var x = new double[] { -5, 7, 3 };
        var result = new LbfgsMinimizer(3).Minimize(Quadratic, x);

        Assert.True(result.Converged, result.ToString());
        Assert.Equal(LbfgsStop.GradientTolerance, result.Stop);

        // Stopped with ||g||_inf <= 1e-6 * f = 3e-6; the smallest eigenvalue of A is above 0.5, so
        // ||x - m||_2 <= 2 * sqrt(3) * 3e-6 < 1.1e-5, and f - 3 = 0.5 e^T A e <= 0.5 * 4.5 * (1.1e-5)^2 < 3e-10.
        Assert.True(result.GradientNorm <= 3e-6, result.ToString());
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(QuadraticMinimum[i], x[i], 1.1e-5);
        }

        Assert.Equal(3.0, result.Objective, 3e-10);
        var gradient = new double[3];
        Assert.Equal(Quadratic(x, gradient), result.Objective);
    }

    [Fact]
    public void Rosenbrock_from_the_classic_start_reaches_one_one()
    {
        var x = new double[] { -1.2, 1 };
        var result = new LbfgsMinimizer(2).Minimize(Rosenbrock, x);

        Assert.True(result.Converged, result.ToString());

        // The minimum value is 0, so both stopping rules fall back to absolute floors (gradient <= 1e-9 at worst);
        // the Hessian at (1, 1) has smallest eigenvalue about 0.4, so the error is a few 1e-9 at most: 1e-7 is generous
        // yet far below what an early stop leaves (the valley is crossed with errors of 1e-2 .. 1e-4).
        Assert.Equal(1.0, x[0], 1e-7);
        Assert.Equal(1.0, x[1], 1e-7);
        Assert.True(result.Objective < 1e-14, result.ToString());
        Assert.True(result.Iterations > 10, "Rosenbrock cannot be solved in a handful of steps: " + result);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(1e-3)]
    [InlineData(1e-6)]
    [InlineData(1e-9)]
    public void Stopping_rule_is_relative_to_the_objective_scale(double scale)
    {
        // A Huber scaling-law objective is of size 1e-3 .. 1e-6; a rule on the absolute change of f (or an absolute
        // gradient tolerance of 1e-6) would stop the small-scale copies early, far from the minimiser (Besiroglu et al. 2024).
        var x = new double[] { -1.2, 1 };
        var result = new LbfgsMinimizer(2).Minimize(ScaledRosenbrockPlusOne(scale), x);

        Assert.True(result.Converged, result.ToString());

        // Stop at ||g||_inf <= max(1e-6 f, 1e-15) with f ~ scale: at most 1e-5 on the unscaled function. (With the
        // old absolute floor of 1e-11 the 1e-9 copy stopped at x = 1.00036.) With the smallest
        // Hessian eigenvalue at (1, 1) about 0.4 the error along the valley stays below about 3e-6 (measured: 1e-9 at
        // scale 1, 3e-7 at scale 1e-6), so 1e-5 holds every scale to the same minimiser.
        Assert.Equal(1.0, x[0], 1e-5);
        Assert.Equal(1.0, x[1], 1e-5);
        Assert.Equal(LbfgsStop.GradientTolerance, result.Stop);
        Assert.True(result.GradientNorm <= Math.Max(1e-6 * result.Objective, 1e-15), result.ToString());
        Assert.Equal(scale, result.Objective, scale * 1e-8);
    }

    [Fact]
    public void Iteration_limit_is_reported_as_not_converged_with_the_true_gradient_norm()
    {
        var x = new double[] { -1.2, 1 };
        var result = new LbfgsMinimizer(2) { MaxIterations = 3 }.Minimize(Rosenbrock, x);

        Assert.False(result.Converged);
        Assert.Equal(LbfgsStop.IterationLimit, result.Stop);
        Assert.Equal(3, result.Iterations);

        // The reported objective and gradient norm are those of the returned point, not of some trial point.
        var gradient = new double[2];
        var value = Rosenbrock(x, gradient);
        Assert.Equal(value, result.Objective);
        Assert.Equal(Math.Max(Math.Abs(gradient[0]), Math.Abs(gradient[1])), result.GradientNorm);
        Assert.True(result.GradientNorm > 1e-3, "three iterations cannot solve Rosenbrock: " + result);
    }

    [Fact]
    public void Non_finite_start_is_reported_without_iterating()
    {
        var x = new double[] { 2, 3 };
        var result = new LbfgsMinimizer(2).Minimize((_, g) => { g.Clear(); return double.NaN; }, x);

        Assert.False(result.Converged);
        Assert.Equal(LbfgsStop.NonFiniteStart, result.Stop);
        Assert.Equal(0, result.Iterations);
        Assert.Equal(1, result.Evaluations);
        Assert.Equal(new double[] { 2, 3 }, x);
    }

    [Fact]
    public void Workspace_is_reusable_across_starts()
    {
        var minimizer = new LbfgsMinimizer(2);
        var first = new double[] { -1.2, 1 };
        var firstResult = minimizer.Minimize(Rosenbrock, first);
        _ = minimizer.Minimize(Rosenbrock, new double[] { 3, -2 });
        var again = new double[] { -1.2, 1 };
        var againResult = minimizer.Minimize(Rosenbrock, again);

        // No state leaks from earlier runs: the same start gives bit-identical results.
        Assert.Equal(firstResult, againResult);
        Assert.Equal(first, again);
    }
}
