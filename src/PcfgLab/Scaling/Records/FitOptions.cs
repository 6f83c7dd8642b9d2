namespace PcfgLab.Scaling;

/// <summary>Options shared by the scaling-law fitters.</summary>
public sealed record FitOptions
{
    /// <summary>Huber threshold on log residuals (Hoffmann et al. 2022 use 1e-3).</summary>
    public double HuberDelta { get; init; } = 1e-3;

    /// <summary>Threads for the multi-start search; 0 or less uses every core. The result does not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>Chinchilla initialisation grid for alpha (default 0, 0.5, ..., 2).</summary>
    public IReadOnlyList<double> AlphaGrid { get; init; } = [0, 0.5, 1, 1.5, 2];

    /// <summary>Chinchilla initialisation grid for beta (default 0, 0.5, ..., 2).</summary>
    public IReadOnlyList<double> BetaGrid { get; init; } = [0, 0.5, 1, 1.5, 2];

    /// <summary>Initialisation grid for e = log E (default -1, -0.5, ..., 1).</summary>
    public IReadOnlyList<double> LogEGrid { get; init; } = [-1, -0.5, 0, 0.5, 1];

    /// <summary>Initialisation grid for a = log A (default 0, 5, ..., 25).</summary>
    public IReadOnlyList<double> LogAGrid { get; init; } = [0, 5, 10, 15, 20, 25];

    /// <summary>Initialisation grid for b = log B (default 0, 5, ..., 25).</summary>
    public IReadOnlyList<double> LogBGrid { get; init; } = [0, 5, 10, 15, 20, 25];
}
