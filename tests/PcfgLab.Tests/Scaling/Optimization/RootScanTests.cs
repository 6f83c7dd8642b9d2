using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public class RootScanTests
{
    [Fact]
    public void Finds_every_sign_change_to_near_machine_precision()
    {
        var roots = RootScan.Roots(Math.Sin, 0.5, 10, RootScan.ResampleSteps);

        Assert.Equal(3, roots.Count);
        for (var k = 0; k < 3; k++)
        {
            Assert.Equal(Math.PI * (k + 1), roots[k], 1e-12);
        }
    }

    [Fact]
    public void Skips_points_where_the_function_is_not_finite_and_counts_exact_zeros_at_the_ends()
    {
        // log(x - 2) is NaN below 2; x - 1 is zero at the low end, 3 - x at the high end.
        Assert.Equal(Math.E + 2, Assert.Single(RootScan.Roots(x => Math.Log(x - 2) - 1, 0, 10, RootScan.FineSteps)), 1e-12);
        Assert.Equal([1.0], RootScan.Roots(x => x - 1, 1, 5, 100));
        Assert.Equal([3.0], RootScan.Roots(x => 3 - x, 1, 3, 100));
    }

    [Fact]
    public void A_function_without_a_sign_change_has_no_root()
    {
        Assert.Empty(RootScan.Roots(x => (x * x) + 1, -5, 5, RootScan.FineSteps));
    }
}
