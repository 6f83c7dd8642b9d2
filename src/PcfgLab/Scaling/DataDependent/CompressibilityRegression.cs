using MathNet.Numerics.Distributions;

namespace PcfgLab.Scaling;

/// <summary>One dataset's fitted law and its gzip compressibility: a point of the regression.</summary>
/// <param name="Dataset">Dataset name.</param>
/// <param name="Compressibility">Median gzip compressibility H.</param>
/// <param name="Law">The dataset's fitted Chinchilla parameters.</param>
public sealed record DatasetLaw(string Dataset, double Compressibility, ChinchillaParameters Law);

/// <summary>Ordinary least squares y = Slope x + Intercept with its fit statistics.</summary>
/// <param name="Slope">Slope m.</param>
/// <param name="Intercept">Intercept n.</param>
/// <param name="RSquared">Coefficient of determination.</param>
/// <param name="PValue">Two-sided p-value of the slope (t distribution, n - 2 degrees of freedom); NaN with two points.</param>
/// <param name="Points">Number of points.</param>
public sealed record LinearFit(double Slope, double Intercept, double RSquared, double PValue, int Points)
{
    /// <summary>The line at <paramref name="x"/>.</summary>
    public double At(double x) => (Slope * x) + Intercept;

    /// <summary>Fits the line through (x_i, y_i).</summary>
    public static LinearFit Of(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var n = x.Count;
        double meanX = 0, meanY = 0;
        for (var i = 0; i < n; i++)
        {
            meanX += x[i] / n;
            meanY += y[i] / n;
        }

        double sxx = 0, sxy = 0, syy = 0;
        for (var i = 0; i < n; i++)
        {
            sxx += (x[i] - meanX) * (x[i] - meanX);
            sxy += (x[i] - meanX) * (y[i] - meanY);
            syy += (y[i] - meanY) * (y[i] - meanY);
        }

        var slope = sxy / sxx;
        var intercept = meanY - (slope * meanX);
        double residual = 0;
        for (var i = 0; i < n; i++)
        {
            var e = y[i] - ((slope * x[i]) + intercept);
            residual += e * e;
        }

        var r2 = syy == 0 ? 1 : 1 - (residual / syy);
        var p = double.NaN;
        if (n > 2)
        {
            var df = n - 2;
            var standardError = Math.Sqrt(residual / df / sxx);
            if (standardError == 0)
            {
                p = slope == 0 ? 1 : 0;
            }
            else
            {
                var t = Math.Abs(slope / standardError);
                p = 2 * StudentT.CDF(0, 1, df, -t);
            }
        }

        return new LinearFit(slope, intercept, r2, p, n);
    }
}

/// <summary>
/// The study's Table 3: each Chinchilla parameter (E, A, B, alpha, beta) of per-dataset fits regressed linearly on the
/// datasets' gzip compressibility H, x(H) = m H + n.
/// </summary>
/// <param name="E">E(H).</param>
/// <param name="A">A(H).</param>
/// <param name="B">B(H).</param>
/// <param name="Alpha">alpha(H).</param>
/// <param name="Beta">beta(H).</param>
/// <param name="Datasets">The points regressed.</param>
public sealed record CompressibilityRegression(LinearFit E, LinearFit A, LinearFit B, LinearFit Alpha, LinearFit Beta, IReadOnlyList<DatasetLaw> Datasets)
{
    /// <summary>Parameter names in table order.</summary>
    public static IReadOnlyList<string> ParameterNames { get; } = ["E", "A", "B", "alpha", "beta"];

    /// <summary>The regression of the named parameter.</summary>
    public LinearFit this[string name] => name switch
    {
        "E" => E,
        "A" => A,
        "B" => B,
        "alpha" => Alpha,
        "beta" => Beta,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "expected E, A, B, alpha or beta"),
    };

    /// <summary>The law's parameters at compressibility H: each x(H) = m H + n.</summary>
    public ChinchillaParameters At(double compressibility) =>
        new(E.At(compressibility), A.At(compressibility), B.At(compressibility), Alpha.At(compressibility), Beta.At(compressibility));

    /// <summary>Regresses the laws of <paramref name="datasets"/> on their compressibility.</summary>
    /// <exception cref="UserInputException">Fewer than two datasets, or all at one H.</exception>
    public static CompressibilityRegression Fit(IReadOnlyList<DatasetLaw> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        if (datasets.Count < 2)
        {
            throw new UserInputException($"regression on compressibility needs fits of at least 2 datasets (3 for p-values); got {datasets.Count}");
        }

        var h = datasets.Select(d => d.Compressibility).ToArray();
        if (h.All(x => x == h[0]))
        {
            throw new UserInputException($"every dataset has the same compressibility H = {h[0].ToString("G6", System.Globalization.CultureInfo.InvariantCulture)}; the regression needs datasets of different H");
        }

        LinearFit On(Func<ChinchillaParameters, double> value) => LinearFit.Of(h, datasets.Select(d => value(d.Law)).ToArray());
        return new CompressibilityRegression(On(p => p.E), On(p => p.A), On(p => p.B), On(p => p.Alpha), On(p => p.Beta), datasets);
    }
}
