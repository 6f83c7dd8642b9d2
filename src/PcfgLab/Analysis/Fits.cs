using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using PcfgLab.Scaling;
using PcfgLab.Sweeps;

namespace PcfgLab.Analysis;

/// <summary>What <see cref="Fits.FitAsync"/> fits: a runs file, how to read it, and the fit.</summary>
public sealed record FitsRequest
{
    /// <summary>The runs file (.csv, .jsonl or .parquet).</summary>
    public required string Input { get; init; }

    /// <summary>How the runs are read from <see cref="Input"/>; recorded in the saved fit.</summary>
    public RunColumnMap Columns { get; init; } = new();

    /// <summary>The fit: form, grouping, drop-worst, constraints, bootstrap, options to record.</summary>
    public FitRequest Fit { get; init; } = new();

    /// <summary>Hold each dataset's E at its loss floor, read from its dataset.json under <see cref="DatasetsFolder"/>.</summary>
    public bool FixEAtFloor { get; init; }

    /// <summary>The folder holding the dataset folders (name/dataset.json), for <see cref="FixEAtFloor"/>.</summary>
    public string? DatasetsFolder { get; init; }

    /// <summary>When set, the joint data-dependent fit of all datasets with these options (and <see cref="DataDependentAnalysis"/>) instead of <see cref="FitRequest.Form"/>.</summary>
    public DataDependentFitOptions? DataDependent { get; init; }

    /// <summary>The bootstrap, band and crossings of the joint fit; the defaults when null.</summary>
    public DataDependentAnalysisOptions? DataDependentAnalysis { get; init; }
}

/// <summary>The result of <see cref="Fits.FitAsync"/>: exactly one of the per-dataset fits and the joint data-dependent fit.</summary>
/// <param name="Fit">The per-dataset fits (Chinchilla, learning curve, Rosenfeld, constrained).</param>
/// <param name="DataDependent">The joint data-dependent fit with its analysis.</param>
public sealed record FitsResult(ScalingFitDocument? Fit, DataDependentFitDocument? DataDependent)
{
    /// <summary>The <c>fit --json</c> document.</summary>
    public JsonNode ToJson() => Fit?.ToOutputJson() ?? DataDependent!.ToJson();

    /// <summary><see cref="ToJson"/> written with the JSON convention.</summary>
    public string ToJsonString() => ToJson().ToJsonString(JsonConvention.Node());

    /// <summary>Saves the fit with its provenance (atomically).</summary>
    public void Save(string path)
    {
        if (Fit is not null)
        {
            Fit.Save(path);
        }
        else
        {
            DataDependent!.Save(path);
        }
    }
}

/// <summary>What <see cref="Fits.IsoFlopAsync"/> fits.</summary>
public sealed record IsoFlopRequest
{
    /// <summary>The runs file.</summary>
    public required string Input { get; init; }

    /// <summary>How the runs are read (Approach 2).</summary>
    public RunColumnMap Columns { get; init; } = new();

    /// <summary>Fit each dataset separately.</summary>
    public bool ByDataset { get; init; }

    /// <summary>1: lower envelope of training curves; 2: IsoFLOP profiles of final losses.</summary>
    public int Approach { get; init; } = 2;

    /// <summary>Approach 2's options.</summary>
    public IsoFlopOptions Profiles { get; init; } = new();

    /// <summary>Approach 1's options.</summary>
    public EnvelopeOptions Envelope { get; init; } = new();

    /// <summary>Options with their effective values, recorded in the document.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
}

/// <summary>What <see cref="Fits.ExtrapolateAsync"/> checks.</summary>
public sealed record ExtrapolationRequest
{
    /// <summary>The runs file.</summary>
    public required string Input { get; init; }

    /// <summary>How the runs are read.</summary>
    public RunColumnMap Columns { get; init; } = new();

    /// <summary>Check each dataset separately.</summary>
    public bool ByDataset { get; init; }

    /// <summary>The scheme and form (<see cref="ExtrapolationOptions.Form"/> is ignored when <see cref="Compare"/>).</summary>
    public ExtrapolationOptions Options { get; init; } = new();

    /// <summary>Rank the forms by held-out error instead of checking one.</summary>
    public bool Compare { get; init; }
}

/// <summary>One dataset's extrapolation check: <see cref="Result"/>, or with comparison the forms <see cref="Ranked"/> best first.</summary>
/// <param name="Dataset">Dataset name ("all" when not grouped).</param>
/// <param name="Result">The check of one form.</param>
/// <param name="Ranked">The forms ranked by pooled held-out error.</param>
public sealed record DatasetExtrapolation(string Dataset, ExtrapolationResult? Result, IReadOnlyList<(ExtrapolatedForm Form, ExtrapolationResult Result)>? Ranked);

/// <summary>The result of <see cref="Fits.ExtrapolateAsync"/>: one check per dataset.</summary>
/// <param name="Scheme">The scheme.</param>
/// <param name="Grouped">Whether the runs were checked per dataset.</param>
/// <param name="Datasets">The checks, by dataset name in ordinal order.</param>
public sealed record ExtrapolationReport(ExtrapolationScheme Scheme, bool Grouped, IReadOnlyList<DatasetExtrapolation> Datasets)
{
    /// <summary>The <c>extrapolate --json</c> document: one check, or with grouping one per dataset keyed by name.</summary>
    public JsonNode ToJson()
    {
        JsonNode One(DatasetExtrapolation d) => d.Ranked is { } ranked ? ExtrapolationCheck.ComparisonToJson(ranked, Scheme) : d.Result!.ToJson();
        if (!Grouped)
        {
            return One(Datasets[0]);
        }

        var map = new JsonObject();
        foreach (var d in Datasets)
        {
            map[d.Dataset] = One(d);
        }

        return map;
    }

    /// <summary><see cref="ToJson"/> written with the JSON convention.</summary>
    public string ToJsonString() => ToJson().ToJsonString(JsonConvention.Node());
}

/// <summary>
/// The front door of fitting: reads the runs, groups them by dataset (ordinal order of names), and fits each group
/// through one pipeline (<see cref="ScalingFitPipeline"/>: drop-worst, the median-H rule, the canonical run order,
/// constraints and identification), so that a command only parses, makes one call and renders.
/// </summary>
public static class Fits
{
    /// <summary>Fits the runs of <paramref name="request"/>.</summary>
    /// <exception cref="UserInputException">Bad options or runs.</exception>
    public static async Task<FitsResult> FitAsync(FitsRequest request, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var fit = request.Fit with { Inputs = [Path.GetFullPath(request.Input)], Columns = request.Columns };
        if (fit.BootstrapResamples is < 0 or 1)
        {
            throw UserInputException.ForParameters($"{new Parameter("Resamples")} {fit.BootstrapResamples}: use 0 (none) or at least 2 resamples");
        }

        if (request.FixEAtFloor && request.DatasetsFolder is null)
        {
            throw UserInputException.ForParameters($"{new Parameter("FixedE")} floor needs {new Parameter("FitsRequest.DatasetsFolder")} DIR, the folder holding each dataset's folder with its dataset.json");
        }

        var runs = await RunRecordReader.ReadAsync(request.Input, request.Columns, logger, cancellationToken).ConfigureAwait(false);
        if (request.DataDependent is { } options)
        {
            logger?.LogInformation("fitting {Runs} runs of {Datasets} datasets jointly", runs.Count, runs.Select(r => r.Dataset).Distinct().Count());
            var joint = DataDependentFitter.Fit(runs, options, cancellationToken);
            var analysis = DataDependentAnalysis.Run(runs, joint, request.DataDependentAnalysis ?? new DataDependentAnalysisOptions(), options.HuberDelta, cancellationToken);
            return new FitsResult(null, new DataDependentFitDocument(ToolInfo.Version, fit.Inputs, fit.Options, joint, analysis));
        }

        if (request.FixEAtFloor)
        {
            IEnumerable<string> names = fit.ByDataset ? runs.Select(r => r.Dataset).Distinct(StringComparer.Ordinal) : ["all"];
            fit = fit with { FixedEByDataset = names.ToDictionary(n => n, n => Floor(request.DatasetsFolder!, n), StringComparer.Ordinal) };
        }

        return new FitsResult(ScalingFitPipeline.Run(runs, fit, logger, cancellationToken), null);
    }

    /// <summary>Compute-optimal N and D by IsoFLOP profiles (Approach 2) or the lower envelope of training curves (Approach 1), per dataset when asked.</summary>
    /// <exception cref="UserInputException">Bad options or runs.</exception>
    public static async Task<IsoFlopDocument> IsoFlopAsync(IsoFlopRequest request, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var fits = new List<(string, IsoFlopFit)>();
        if (request.Approach == 1)
        {
            var curves = TrainingCurveReader.Read(request.Input);
            foreach (var (name, members) in Groups(curves, c => c.Dataset, request.ByDataset))
            {
                fits.Add((name, Named(name, request.ByDataset, () => EnvelopeFitter.Fit(members, request.Envelope, cancellationToken))));
            }
        }
        else
        {
            var runs = await RunRecordReader.ReadAsync(request.Input, request.Columns, logger, cancellationToken).ConfigureAwait(false);
            foreach (var (name, members) in Groups(runs, r => r.Dataset, request.ByDataset))
            {
                fits.Add((name, Named(name, request.ByDataset, () => IsoFlopFitter.Fit(members, request.Profiles, cancellationToken))));
            }
        }

        return new IsoFlopDocument(ToolInfo.Version, request.Approach, [Path.GetFullPath(request.Input)], request.Options, fits);
    }

    /// <summary>Leave-one-budget-out or rollout checks of the law (or a ranking of forms), per dataset when asked.</summary>
    /// <exception cref="UserInputException">Bad options or runs.</exception>
    public static async Task<ExtrapolationReport> ExtrapolateAsync(ExtrapolationRequest request, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var runs = await RunRecordReader.ReadAsync(request.Input, request.Columns, logger, cancellationToken).ConfigureAwait(false);
        var checks = new List<DatasetExtrapolation>();
        foreach (var (name, members) in Groups(runs, r => r.Dataset, request.ByDataset))
        {
            checks.Add(Named(name, request.ByDataset, () => request.Compare
                ? new DatasetExtrapolation(name, null, ExtrapolationCheck.CompareForms(members, request.Options, cancellationToken))
                : new DatasetExtrapolation(name, ExtrapolationCheck.Run(members, request.Options, cancellationToken), null)));
        }

        return new ExtrapolationReport(request.Options.Scheme, request.ByDataset, checks);
    }

    /// <summary>Regresses each parameter of a saved per-dataset Chinchilla fit on the datasets' compressibility H: the data-dependent law.</summary>
    /// <exception cref="UserInputException">Not a per-dataset Chinchilla fit, an unknown dataset, or a bad range.</exception>
    public static RegressionDocument Regress(RegressionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var document = ScalingFitDocument.Load(request.Fit);
        if (document.Form != ScalingForm.Chinchilla)
        {
            throw new UserInputException($"'{request.Fit}' holds a '{ScalingFitDocument.FormName(document.Form)}' fit; regression on compressibility needs Chinchilla fits (fit --form chinchilla --by ...)");
        }

        foreach (var name in request.Compressibility.Keys)
        {
            if (!document.Fits.Any(f => f.Dataset == name))
            {
                throw UserInputException.ForParameters($"{new Parameter("compressibility")} {name}=...: '{request.Fit}' has no dataset '{name}' (datasets: {string.Join(", ", document.Fits.Select(f => f.Dataset))})");
            }
        }

        var (low, high) = request.HRange;
        if (!(high > low))
        {
            throw UserInputException.ForParameters($"{new Parameter("HRange")} {low},{high}: HI must be above LO");
        }

        var law = new DataDependentLaw(ScalingStudy.Regress(document.Fits, request.Compressibility), request.Reference, request.Epsilon);
        return new RegressionDocument(ToolInfo.Version, [Path.GetFullPath(request.Fit)], law, (low, high), request.AtFlops);
    }

    /// <summary>Loss at (N, D[, H]), the compute-optimal allocation of a budget, and intervals, from a saved fit or regression.</summary>
    /// <exception cref="UserInputException">Nothing to predict, a non-positive value, or a law that cannot answer.</exception>
    public static async Task<Prediction> PredictAsync(PredictionRequest request, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if ((request.Parameters is null) != (request.Tokens is null))
        {
            throw UserInputException.ForParameters($"give both {new Parameter("PredictionRequest.Parameters")} and {new Parameter("PredictionRequest.Tokens")} for a loss prediction");
        }

        if (request.Parameters is null && request.Flops is null)
        {
            throw UserInputException.ForParameters($"nothing to predict: give {new Parameter("PredictionRequest.Parameters")} and {new Parameter("PredictionRequest.Tokens")}, or {new Parameter("PredictionRequest.Flops")}");
        }

        foreach (var (value, name) in new[] { (request.Parameters, new Parameter("PredictionRequest.Parameters")), (request.Tokens, new Parameter("PredictionRequest.Tokens")), (request.Flops, new Parameter("PredictionRequest.Flops")) })
        {
            if (value is { } v && !(v > 0))
            {
                throw UserInputException.ForParameters($"{name} {v}: must be positive");
            }
        }

        var saved = SavedLaw.Load(request.Law, request.Dataset, request.Compressibility);
        var law = saved.Chinchilla;
        var loss = request.Parameters is { } n && request.Tokens is { } d ? saved.Loss(n, d) : double.NaN;
        ComputeAllocation? allocation = null;
        if (request.Flops is { } c)
        {
            var frontier = new ComputeOptimalFrontier(law ?? throw UserInputException.ForParameters($"{new Parameter("PredictionRequest.Flops")} needs a Chinchilla fit or a regression: the compute-optimal allocation is defined for L(N, D) = E + A/N^alpha + B/D^beta"));
            allocation = new ComputeAllocation(c, frontier.OptimalParameters(c), frontier.OptimalTokens(c), frontier.TokensPerParameter(c), frontier.OptimalLoss(c));
        }

        LossInterval? interval = null;
        if (request.IntervalResamples != 0)
        {
            if (law is null || request.Parameters is null || request.Tokens is null)
            {
                throw UserInputException.ForParameters($"{new Parameter("PredictionRequest.IntervalResamples")} needs a Chinchilla fit and {new Parameter("PredictionRequest.Parameters")} and {new Parameter("PredictionRequest.Tokens")}");
            }

            var runs = await SavedFitRuns.LoadAsync(request.Law, request.Dataset, logger, cancellationToken).ConfigureAwait(false);
            interval = PredictionIntervals.Run(runs, law, [(request.Parameters.Value, request.Tokens.Value)], new PredictionIntervalOptions { Resamples = request.IntervalResamples, Seed = request.IntervalSeed }, cancellationToken)[0];
        }

        return new Prediction(saved.Description, law, request.Parameters, request.Tokens, loss, allocation, interval, request.IntervalResamples);
    }

    /// <summary>The items by dataset name in ordinal order, or all of them as "all".</summary>
    private static List<(string Name, List<T> Members)> Groups<T>(IEnumerable<T> items, Func<T, string> dataset, bool byDataset) =>
        byDataset
            ? [.. items.GroupBy(dataset, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.ToList()))]
            : [("all", items.ToList())];

    /// <summary>Runs <paramref name="work"/>, prefixing a bad-input error with the dataset's name when grouped.</summary>
    private static T Named<T>(string name, bool byDataset, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (UserInputException ex) when (byDataset)
        {
            throw ex.WithPrefix($"dataset '{name}': ");
        }
    }

    private static double Floor(string datasets, string name)
    {
        var info = DatasetInfo.Read(Path.Combine(datasets, name));
        return info.Floor?.Nats ?? throw UserInputException.ForParameters($"dataset '{name}' records no loss floor in its dataset.json; measure it with `pcfglab floor` or give {new Parameter("FixedE")} VALUE");
    }
}
