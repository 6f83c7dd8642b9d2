namespace PcfgLab.Analysis;

/// <summary>A least-squares line of one law parameter against gzip compressibility H across datasets.</summary>
/// <param name="Parameter">E, A, B, alpha or beta.</param>
/// <param name="Intercept">Value at H = 0.</param>
/// <param name="Slope">Change per unit of H.</param>
/// <param name="PValue">Two-sided p-value of the slope (t test, n - 2 degrees of freedom); NaN with fewer than 3 datasets.</param>
/// <param name="RSquared">Coefficient of determination.</param>
/// <param name="Datasets">Number of datasets (points).</param>
public sealed record ParameterTrend(string Parameter, double Intercept, double Slope, double PValue, double RSquared, int Datasets)
{
    /// <summary>The fitted value at <paramref name="h"/>.</summary>
    public double At(double h) => Intercept + (Slope * h);
}
