using Microsoft.Extensions.Logging;

namespace PcfgLab.Scaling;

/// <summary>What <see cref="ScalingFitPipeline"/> should do with a set of runs.</summary>
public sealed record FitRequest
{
    /// <summary>The form to fit.</summary>
    public ScalingForm Form { get; init; } = ScalingForm.Chinchilla;

    /// <summary>Fit each dataset separately (by <see cref="FitRun.Dataset"/>); otherwise all runs together.</summary>
    public bool ByDataset { get; init; }

    /// <summary>Name of the grouping column, recorded in the document.</summary>
    public string? GroupColumn { get; init; }

    /// <summary>Drop this many runs with the highest loss (per dataset when grouped) before fitting.</summary>
    public int DropWorst { get; init; }

    /// <summary>The variable of the <see cref="ScalingForm.Data"/> learning curve.</summary>
    public ScalingVariable Variable { get; init; } = ScalingVariable.Tokens;

    /// <summary>Random-guess error for <see cref="ScalingForm.Rosenfeld"/>.</summary>
    public double? Eps0 { get; init; }

    /// <summary>Fit options.</summary>
    public FitOptions Fit { get; init; } = new();

    /// <summary>Bootstrap resamples (Chinchilla only); 0 for none.</summary>
    public int BootstrapResamples { get; init; } = 1000;

    /// <summary>Bootstrap seed.</summary>
    public ulong Seed { get; init; }

    /// <summary>Held-out check: cut kind and threshold, or null.</summary>
    public (HoldoutCut Cut, double Threshold)? Holdout { get; init; }

    /// <summary>Input files, recorded in the document.</summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>Options with their effective values, recorded in the document.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>How the runs were read from <see cref="Inputs"/>, recorded in the document so that the runs can be read again (<see cref="SavedFitRuns"/>).</summary>
    public RunColumnMap? Columns { get; init; }

    /// <summary>Chinchilla form: constraints on every fit (alpha = beta, E held at a value).</summary>
    public ChinchillaConstraints Constraints { get; init; } = new();

    /// <summary>
    /// Chinchilla form: E held at a value per dataset (each dataset's loss floor, for example), by dataset name;
    /// it replaces <see cref="ChinchillaConstraints.FixedE"/> of <see cref="Constraints"/> for the datasets it names.
    /// </summary>
    public IReadOnlyDictionary<string, double>? FixedEByDataset { get; init; }

    /// <summary>Chinchilla form: bootstrap the (constrained) fit for the parameters' correlation matrix and warnings (<see cref="Identifiability"/>).</summary>
    public bool Identify { get; init; }

    /// <summary>Whether the constrained Chinchilla fit (<see cref="ConstrainedChinchillaFitter"/>) is asked for.</summary>
    internal bool Constrained => Identify || !Constraints.None || FixedEByDataset is not null;

    /// <summary>The constraints of dataset <paramref name="name"/>'s fit.</summary>
    internal ChinchillaConstraints ConstraintsFor(string name) =>
        FixedEByDataset is { } byDataset && byDataset.TryGetValue(name, out var e) ? Constraints with { FixedE = e } : Constraints;
}

/// <summary>Groups runs, drops the worst, fits the chosen form per group, bootstraps and checks held-out error.</summary>
public static class ScalingFitPipeline
{
    /// <summary>Runs <paramref name="request"/> on <paramref name="runs"/>.</summary>
    public static ScalingFitDocument Run(IReadOnlyList<FitRun> runs, FitRequest request, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(request);
        if (request.DropWorst < 0)
        {
            throw UserInputException.ForParameters($"{new Parameter("DropWorst")} {request.DropWorst}: must be 0 or more");
        }

        if (request.Constrained && (request.Form != ScalingForm.Chinchilla || request.Holdout is not null))
        {
            throw UserInputException.ForParameters($"{new Parameter("TieExponents")}, {new Parameter("FixedE")} and {new Parameter("Identify")} apply to the chinchilla form without {new Parameter("HoldoutAboveFlops")} or {new Parameter("HoldoutAboveN")}");
        }

        var groups = request.ByDataset
            ? runs.GroupBy(r => r.Dataset, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (Name: g.Key, Runs: g.ToList())).ToList()
            : [(Name: "all", Runs: runs.ToList())];
        var results = new List<DatasetFitResult>(groups.Count);
        foreach (var (name, all) in groups)
        {
            var what = request.ByDataset ? $"dataset '{name}'" : "the input";
            var kept = all;
            if (request.DropWorst > 0)
            {
                if (request.DropWorst >= all.Count)
                {
                    throw UserInputException.ForParameters($"{new Parameter("DropWorst")} {request.DropWorst} drops every run of {what} ({all.Count} runs)");
                }

                kept = WithoutWorst(all, request.DropWorst);
            }

            logger?.LogInformation("fitting {What}: {Runs} runs ({Dropped} dropped)", what, kept.Count, all.Count - kept.Count);
            var h = DatasetCompressibility.Choose(null, kept.Select(r => r.Compressibility), null);
            try
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                results.Add(FitDataset(name, kept, h, request, cancellationToken, logger));
                logger?.LogInformation("fitted {What} in {Seconds:F1} s", what, watch.Elapsed.TotalSeconds);
            }
            catch (UserInputException ex) when (request.ByDataset)
            {
                throw ex.WithPrefix($"dataset '{name}': ");
            }
        }

        return new ScalingFitDocument(ToolInfo.Version, request.Form, request.Inputs, request.Options, request.Seed, request.ByDataset ? request.GroupColumn ?? "dataset" : null, results)
        {
            Columns = request.Columns,
            DropWorst = request.DropWorst,
        };
    }

    /// <summary>
    /// Fits one dataset's runs in the form <paramref name="request"/> names (Chinchilla with its bootstrap and held-out
    /// check, a learning curve, or Rosenfeld's form): the fit every command and the report share.
    /// </summary>
    /// <param name="name">The dataset's name in the result.</param>
    /// <param name="runs">Its runs.</param>
    /// <param name="h">Its compressibility, when known.</param>
    /// <param name="request">The form and options.</param>
    /// <param name="cancellationToken">Stops the fit (checked at every objective evaluation).</param>
    /// <param name="logger">Gets a progress line before each long stage (the multi-start fit, the bootstrap).</param>
    public static DatasetFitResult FitDataset(string name, IReadOnlyList<FitRun> runs, double? h, FitRequest request, CancellationToken cancellationToken = default, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(request);
        runs = InCanonicalOrder(runs);
        switch (request.Form)
        {
            case ScalingForm.Data:
                return new DatasetFitResult(name, h, LearningCurve: LearningCurveFitter.Fit(runs, request.Variable, request.Fit, cancellationToken));
            case ScalingForm.Rosenfeld:
                var eps0 = request.Eps0 ?? throw UserInputException.ForParameters($"{new Parameter("Form")} rosenfeld needs {new Parameter("Eps0")}, the random-guess loss (for language models ln of the vocabulary size)");
                return new DatasetFitResult(name, h, Rosenfeld: RosenfeldFitter.Fit(runs, eps0, request.Fit, cancellationToken));
            default:
                if (request.Constrained)
                {
                    return FitConstrained(name, runs, h, request, cancellationToken, logger);
                }

                logger?.LogInformation("multi-start fit: {Runs} runs from {Starts} starts", runs.Count,
                    request.Fit.AlphaGrid.Count * request.Fit.BetaGrid.Count * request.Fit.LogEGrid.Count * request.Fit.LogAGrid.Count * request.Fit.LogBGrid.Count);
                var fit = ChinchillaFitter.Fit(runs, request.Fit, cancellationToken);
                if (request.BootstrapResamples > 0)
                {
                    logger?.LogInformation("bootstrap: {Resamples} refits of {Runs} runs", request.BootstrapResamples, runs.Count);
                }

                var bootstrap = request.BootstrapResamples > 0
                    ? Bootstrap.Run(runs, fit, new BootstrapOptions { Resamples = request.BootstrapResamples, Seed = request.Seed, MaxDegreeOfParallelism = request.Fit.MaxDegreeOfParallelism }, request.Fit.HuberDelta, cancellationToken)
                    : null;
                var holdout = request.Holdout is { } cut ? Holdout.Run(runs, cut.Cut, cut.Threshold, request.Fit, cancellationToken) : null;
                return new DatasetFitResult(name, h, Chinchilla: fit, Bootstrap: bootstrap, Holdout: holdout);
        }
    }

    /// <summary>The runs without the <paramref name="count"/> with the highest loss (ties: the later row goes), in row order.</summary>
    internal static List<FitRun> WithoutWorst(IReadOnlyList<FitRun> runs, int count) =>
        [.. runs.OrderBy(r => r.Loss).ThenBy(r => r.Row).Take(runs.Count - count).OrderBy(r => r.Row)];

    /// <summary>The constrained Chinchilla fit of one dataset's runs (already in the canonical order), bootstrapped for identification when resamples are asked for.</summary>
    private static DatasetFitResult FitConstrained(string name, IReadOnlyList<FitRun> runs, double? h, FitRequest request, CancellationToken cancellationToken, ILogger? logger)
    {
        var constraints = request.ConstraintsFor(name);
        logger?.LogInformation("constrained fit: {Runs} runs (alpha = beta: {Tie}; E fixed at: {FixedE})", runs.Count, constraints.TieExponents, constraints.FixedE);
        var fit = ConstrainedChinchillaFitter.Fit(runs, request.Fit, constraints, cancellationToken);
        var identification = request.BootstrapResamples > 0
            ? ConstrainedChinchillaFitter.Identify(runs, fit, constraints, new BootstrapOptions { Resamples = request.BootstrapResamples, Seed = request.Seed, MaxDegreeOfParallelism = request.Fit.MaxDegreeOfParallelism }, request.Fit.HuberDelta, cancellationToken: cancellationToken)
            : null;
        return new DatasetFitResult(name, h, Chinchilla: fit, Bootstrap: identification?.Bootstrap, Constraints: constraints, Identification: identification);
    }

    /// <summary>
    /// The runs ordered by N, then D, then loss (ties keep their order): the fit's sums and the bootstrap's draws by
    /// position would otherwise depend on the order of the input file, and on a flat objective a different summation
    /// order can land the multi-start on a different optimum. The same runs in any order give the same fit.
    /// </summary>
    internal static IReadOnlyList<FitRun> InCanonicalOrder(IReadOnlyList<FitRun> runs)
    {
        var ordered = new FitRun[runs.Count];
        for (var i = 0; i < ordered.Length; i++)
        {
            ordered[i] = runs[i];
        }

        // A stable sort: Array.Sort is not, so ties are broken by the input position.
        var position = new int[ordered.Length];
        for (var i = 0; i < position.Length; i++)
        {
            position[i] = i;
        }

        Array.Sort(position, (x, y) =>
        {
            var c = ordered[x].Parameters.CompareTo(ordered[y].Parameters);
            if (c == 0)
            {
                c = ordered[x].Tokens.CompareTo(ordered[y].Tokens);
            }

            if (c == 0)
            {
                c = ordered[x].Loss.CompareTo(ordered[y].Loss);
            }

            return c != 0 ? c : x.CompareTo(y);
        });
        var result = new FitRun[ordered.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = ordered[position[i]];
        }

        return result;
    }
}
