using PcfgLab.Scaling;

namespace PcfgLab.Analysis;

/// <summary>
/// A fitted Chinchilla law L(N, D) = E + A / N^alpha + B / D^beta for the report, with its quality, optional bootstrap
/// intervals and its compute-optimal allocation (<see cref="ComputeOptimalFrontier"/>: minimising L at fixed
/// C = 6 N D).
/// </summary>
/// <param name="Parameters">E, A, B, alpha, beta.</param>
public sealed record LawFit(ChinchillaParameters Parameters)
{
    /// <summary>Hoffmann et al.'s published Chinchilla law: E = 1.69, A = 406.4, B = 410.7, alpha = 0.34, beta = 0.28.</summary>
    public static LawFit Chinchilla { get; } = new(ChinchillaParameters.Hoffmann2022);

    /// <summary>Irreducible loss (nats per token).</summary>
    public double E => Parameters.E;

    /// <summary>Parameter-term coefficient.</summary>
    public double A => Parameters.A;

    /// <summary>Data-term coefficient.</summary>
    public double B => Parameters.B;

    /// <summary>Parameter exponent.</summary>
    public double Alpha => Parameters.Alpha;

    /// <summary>Data exponent.</summary>
    public double Beta => Parameters.Beta;

    /// <summary>Root mean square error of the fit on its runs (loss units), when known.</summary>
    public double? Rmse { get; init; }

    /// <summary>Runs the law was fitted on.</summary>
    public int Runs { get; init; }

    /// <summary>Whether the optimiser ended at a stationary point.</summary>
    public bool Converged { get; init; } = true;

    /// <summary>Bootstrap intervals of E, A, B, alpha, beta, a and b, when a bootstrap was run.</summary>
    public IReadOnlyList<ParameterInterval>? Intervals { get; init; }

    /// <summary>
    /// E below this (nats per token) is at its bound: the fitter's E = exp(log E) has run towards zero, so the fit put
    /// the whole loss in the power terms; the value says nothing about an irreducible loss.
    /// </summary>
    public const double BoundTolerance = 1e-6;

    /// <summary>Whether E sits at its lower bound 0 (below <see cref="BoundTolerance"/>).</summary>
    public bool EAtBound => E < BoundTolerance;

    /// <summary>
    /// Why this law has no compute-optimal frontier, or null when it has one: minimising L at fixed C = 6ND needs both
    /// exponents positive (with alpha &lt;= 0 the fitted loss does not fall with N, and the optimum runs to the
    /// smallest model).
    /// </summary>
    public string? FrontierProblem =>
        !(Alpha > 0) ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"no compute-optimal frontier: alpha = {Alpha:0.0000} is not positive (the fitted loss does not fall with N)")
        : !(Beta > 0) ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"no compute-optimal frontier: beta = {Beta:0.0000} is not positive (the fitted loss does not fall with D)")
        : null;

    /// <summary>The compute-optimal allocation of this law.</summary>
    public ComputeOptimalFrontier Frontier => new(Parameters);

    /// <summary>Predicted loss at N parameters and D tokens.</summary>
    public double Loss(double parameters, double tokens) => Parameters.Loss(parameters, tokens);

    /// <summary>Compute-optimal parameters at compute <paramref name="flops"/>.</summary>
    public double OptimalParameters(double flops) => Frontier.OptimalParameters(flops);

    /// <summary>Compute-optimal tokens at compute <paramref name="flops"/>.</summary>
    public double OptimalTokens(double flops) => Frontier.OptimalTokens(flops);

    /// <summary>Compute-optimal tokens per parameter, D_opt / N_opt, at compute <paramref name="flops"/>.</summary>
    public double TokensPerParameter(double flops) => Frontier.TokensPerParameter(flops);

    /// <summary>The five parameters by name, in the order E, A, B, alpha, beta.</summary>
    public IReadOnlyList<(string Name, double Value)> Named() =>
        [("E", E), ("A", A), ("B", B), ("alpha", Alpha), ("beta", Beta)];

    /// <summary>The bootstrap interval of <paramref name="name"/>, or null.</summary>
    public ParameterInterval? Interval(string name) => Intervals?.FirstOrDefault(i => i.Name == name);
}
