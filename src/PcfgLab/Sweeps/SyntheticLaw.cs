using System.Globalization;

namespace PcfgLab.Sweeps;

/// <summary>
/// A known data-dependent scaling law for the synthetic trainer: L(N, D) = E + A / N^alpha + B / D^beta, with each
/// of E, A, B, alpha and beta linear in the dataset's gzip compressibility H (value = intercept + slope * H). Its
/// numbers are made up, chosen only so that losses look like small language models' (about 1 to 4 nats) and
/// harder-to-compress data want more tokens per parameter, as the study found; they are not the study's fit.
/// </summary>
public sealed record SyntheticLaw
{
    /// <summary>The law the synthetic trainer uses.</summary>
    public static SyntheticLaw Default { get; } = new();

    /// <summary>E = EIntercept + ESlope * H.</summary>
    public double EIntercept { get; init; } = 0.1;

    /// <summary>Slope of E in H.</summary>
    public double ESlope { get; init; } = 3.0;

    /// <summary>A = AIntercept + ASlope * H.</summary>
    public double AIntercept { get; init; } = 40;

    /// <summary>Slope of A in H.</summary>
    public double ASlope { get; init; } = 200;

    /// <summary>B = BIntercept + BSlope * H.</summary>
    public double BIntercept { get; init; } = 60;

    /// <summary>Slope of B in H.</summary>
    public double BSlope { get; init; } = 300;

    /// <summary>alpha = AlphaIntercept + AlphaSlope * H.</summary>
    public double AlphaIntercept { get; init; } = 0.20;

    /// <summary>Slope of alpha in H.</summary>
    public double AlphaSlope { get; init; } = 0.30;

    /// <summary>beta = BetaIntercept + BetaSlope * H.</summary>
    public double BetaIntercept { get; init; } = 0.35;

    /// <summary>Slope of beta in H.</summary>
    public double BetaSlope { get; init; } = -0.10;

    /// <summary>Standard deviation of the multiplicative noise on the final losses (0.5%).</summary>
    public double NoiseStandardDeviation { get; init; } = 0.005;

    /// <summary>The five Chinchilla parameters at compressibility <paramref name="h"/>.</summary>
    public (double E, double A, double B, double Alpha, double Beta) ParametersAt(double h) =>
        (EIntercept + (ESlope * h), AIntercept + (ASlope * h), BIntercept + (BSlope * h), AlphaIntercept + (AlphaSlope * h), BetaIntercept + (BetaSlope * h));

    /// <summary>The noiseless loss of a model with <paramref name="parameters"/> parameters after <paramref name="tokens"/> tokens on data of compressibility <paramref name="h"/>.</summary>
    /// <param name="h">Gzip compressibility of the data.</param>
    /// <param name="parameters">N.</param>
    /// <param name="tokens">D.</param>
    /// <param name="floor">The dataset's loss floor, when known: it replaces E(H), so that synthetic runs approach the
    /// true best loss of their data and a report's fitted E can be checked against it.</param>
    public double Loss(double h, double parameters, double tokens, double? floor = null)
    {
        var (e, a, b, alpha, beta) = ParametersAt(h);
        return (floor ?? e) + (a / Math.Pow(parameters, alpha)) + (b / Math.Pow(tokens, beta));
    }

    /// <summary>The law in words, for reports.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"L = E + A/N^alpha + B/D^beta with E = the dataset's loss floor where its manifest records one (else {EIntercept} + {ESlope} H), A = {AIntercept} + {ASlope} H, B = {BIntercept} + {BSlope} H, alpha = {AlphaIntercept} + {AlphaSlope} H, beta = {BetaIntercept} + ({BetaSlope}) H, multiplicative noise sd {NoiseStandardDeviation}");
}
