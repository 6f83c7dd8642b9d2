namespace PcfgLab.Scaling;

/// <summary>Roots of a function of one variable over an interval, for the crossings of a data-dependent law.</summary>
internal static class RootScan
{
    /// <summary>Grid of a single law's crossings (cheap: one law).</summary>
    public const int FineSteps = 10_000;

    /// <summary>Grid of the crossings of every bootstrap resample's law (thousands of laws).</summary>
    public const int ResampleSteps = 2_000;

    /// <summary>
    /// The roots of <paramref name="f"/> in [<paramref name="low"/>, <paramref name="high"/>]: sign changes on a scan
    /// of <paramref name="steps"/> equal steps, each refined by bisection to about 1e-15 (points where f is not finite
    /// are skipped; an exact zero on the grid is a root).
    /// </summary>
    public static List<double> Roots(Func<double, double> f, double low, double high, int steps)
    {
        var roots = new List<double>();
        var previousX = low;
        var previous = f(low);
        for (var i = 1; i <= steps; i++)
        {
            var x = low + ((high - low) * i / steps);
            var value = f(x);
            if (double.IsFinite(previous) && double.IsFinite(value))
            {
                if (previous == 0)
                {
                    roots.Add(previousX);
                }
                else if (Math.Sign(previous) != Math.Sign(value) && value != 0)
                {
                    roots.Add(Bisect(f, previousX, x, previous));
                }
            }

            previousX = x;
            previous = value;
        }

        if (previous == 0)
        {
            roots.Add(high);
        }

        return roots;
    }

    private static double Bisect(Func<double, double> f, double a, double b, double fa)
    {
        for (var k = 0; k < 100; k++)
        {
            var m = 0.5 * (a + b);
            var fm = f(m);
            if (fm == 0 || b - a < 1e-15)
            {
                return m;
            }

            if (Math.Sign(fm) == Math.Sign(fa))
            {
                a = m;
                fa = fm;
            }
            else
            {
                b = m;
            }
        }

        return 0.5 * (a + b);
    }
}
