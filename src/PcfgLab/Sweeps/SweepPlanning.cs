using System.Text.Json;
using System.Text.Json.Serialization;

namespace PcfgLab.Sweeps;

/// <summary>What <see cref="SweepPlanning.Plan"/> plans: a sweep file (or the study's grid) with overrides, and where to write it.</summary>
public sealed record SweepPlanRequest
{
    /// <summary>Sweep file; null for the study's grid over <see cref="DataRoot"/>.</summary>
    public string? SpecPath { get; init; }

    /// <summary>Folder of the six study datasets, used without <see cref="SpecPath"/>.</summary>
    public string DataRoot { get; init; } = "data";

    /// <summary>Dataset folders replacing the spec's; empty keeps them.</summary>
    public IReadOnlyList<string> Datasets { get; init; } = [];

    /// <summary>Only the first K model shapes; null keeps all.</summary>
    public int? Shapes { get; init; }

    /// <summary>Token budgets replacing the spec's; null keeps them.</summary>
    public IReadOnlyList<long>? Tokens { get; init; }

    /// <summary>A model vocabulary replacing the spec's; null keeps it (unless <see cref="GrammarVocabulary"/>).</summary>
    public int? Vocabulary { get; init; }

    /// <summary>Replace the spec's vocabulary by each dataset's max token id + 1.</summary>
    public bool GrammarVocabulary { get; init; }

    /// <summary>Training seeds replacing the spec's; null keeps them.</summary>
    public IReadOnlyList<int>? Seeds { get; init; }

    /// <summary>Training profile (study or small) replacing the spec's; null keeps it.</summary>
    public string? Profile { get; init; }

    /// <summary>Results file whose records mark cells as done; null: none done.</summary>
    public string? Results { get; init; }

    /// <summary>Write only the cells without a record (renumbered from 0).</summary>
    public bool PendingOnly { get; init; }

    /// <summary>Plan only the pilot (smallest and largest shape at the smallest and largest budget, and the learning-rate scan).</summary>
    public bool Pilot { get; init; }

    /// <summary>The plan file to write (JSON Lines).</summary>
    public required string Output { get; init; }
}

/// <summary>The result of <see cref="SweepPlanning.Plan"/>: the cells planned and written, which are done, and the cost estimate.</summary>
public sealed class SweepPlan
{
    internal SweepPlan(string path, IReadOnlyList<PlanCell> cells, IReadOnlySet<string> done, IReadOnlyList<PlanCell> pending, IReadOnlyList<PlanCell> written, PlanCostEstimate estimate, PlanCostEstimate pendingEstimate)
    {
        (Path, Cells, Done, Pending, Written, Estimate, PendingEstimate) = (path, cells, done, pending, written, estimate, pendingEstimate);
    }

    /// <summary>The plan file written.</summary>
    public string Path { get; }

    /// <summary>Every planned cell.</summary>
    public IReadOnlyList<PlanCell> Cells { get; }

    /// <summary>Cell ids with a record in the results file.</summary>
    public IReadOnlySet<string> Done { get; }

    /// <summary>The cells without a record.</summary>
    public IReadOnlyList<PlanCell> Pending { get; }

    /// <summary>The cells written to the plan file.</summary>
    public IReadOnlyList<PlanCell> Written { get; }

    /// <summary>Estimated cost of every planned cell.</summary>
    public PlanCostEstimate Estimate { get; }

    /// <summary>Estimated cost of the pending cells.</summary>
    public PlanCostEstimate PendingEstimate { get; }

    /// <summary>The JSON summary of <c>pcfglab sweep plan --json</c>, in <see cref="JsonConvention"/> (nulls left out).</summary>
    public string ToJson() => JsonSerializer.Serialize(
        new PlanSummary(Path, Cells.Count, Cells.Count - Pending.Count, Pending.Count, Written.Count, Cells.Sum(c => c.Compute), ToolInfo.Version)
        {
            CoreSeconds = Math.Round(Estimate.CoreSeconds), PendingCoreSeconds = Math.Round(PendingEstimate.CoreSeconds), CostSource = Estimate.Source,
        },
        SweepPlanJsonContext.Convention.PlanSummary);
}

/// <summary>The front door of <c>pcfglab sweep plan</c>: one request in, the plan written and summarised.</summary>
public static class SweepPlanning
{
    /// <summary>Loads the sweep (or the study's grid), applies the overrides, plans, writes the plan file and estimates its cost.</summary>
    /// <exception cref="UserInputException">An override contradicts the sweep file's groups or is out of range, or a file is unreadable.</exception>
    public static SweepPlan Plan(SweepPlanRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sweep = Apply(request.SpecPath is { } specPath ? SweepSpec.Load(specPath) : SweepSpec.Study(request.DataRoot), request);
        var planFolder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(request.Output))!;
        var cells = request.Pilot ? SweepPlanner.Pilot(sweep, planFolder) : SweepPlanner.Plan(sweep, planFolder);
        var done = request.Results is { } resultsPath ? TrainingRecordStore.CompletedCells([resultsPath]) : new HashSet<string>();
        var records = request.Results is { } recordsPath && File.Exists(recordsPath) ? TrainingRecordStore.Read([recordsPath], new List<string>()) : [];
        var pending = SweepPlanner.Pending(cells, done);
        var written = request.PendingOnly ? SweepPlanner.Renumber(pending) : cells;
        SweepPlanner.Write(request.Output, written);
        return new SweepPlan(request.Output, cells, done, pending, written, PlanCostEstimate.Estimate(cells, records), PlanCostEstimate.Estimate(pending, records));
    }

    private static SweepSpec Apply(SweepSpec sweep, SweepPlanRequest request)
    {
        if (sweep.Groups.Count > 0 && (request.Datasets.Count > 0 || request.Shapes is not null || request.Tokens is not null || request.Seeds is not null))
        {
            throw new UserInputException("the sweep file has \"groups\", each with its own datasets, shapes, budgets and seeds: edit the groups instead of passing --dataset, --shapes, --budgets or --seeds.");
        }

        if (request.Datasets.Count > 0)
        {
            sweep = sweep with { Datasets = request.Datasets.Select(System.IO.Path.GetFullPath).ToArray() };
        }

        if (request.Shapes is { } k)
        {
            if (k < 1)
            {
                throw new UserInputException("--shapes must be at least 1.");
            }

            sweep = sweep with { Shapes = sweep.Shapes.Take(k).ToArray() };
        }

        if (request.Tokens is { } tokens)
        {
            sweep = sweep with { Tokens = tokens };
        }

        if (request.GrammarVocabulary || request.Vocabulary is not null)
        {
            sweep = sweep with { Vocabulary = request.GrammarVocabulary ? null : request.Vocabulary };
        }

        if (request.Seeds is { } seeds)
        {
            sweep = sweep with { Seeds = seeds };
        }

        return request.Profile is { } profile ? sweep with { Training = TrainingSettings.ForProfile(profile) } : sweep;
    }
}

/// <summary>The <c>--json</c> summary of <c>sweep plan</c>.</summary>
internal sealed record PlanSummary(string Plan, int Cells, int Done, int Pending, int Written, double TotalCompute, string ToolVersion)
{
    /// <summary>Estimated core-seconds of every planned cell (<see cref="PlanCostEstimate"/>).</summary>
    public double CoreSeconds { get; init; }

    /// <summary>Estimated core-seconds of the cells without a record.</summary>
    public double PendingCoreSeconds { get; init; }

    /// <summary>Where the estimate's speeds came from.</summary>
    public string CostSource { get; init; } = "";
}

[JsonSerializable(typeof(PlanSummary))]
internal sealed partial class SweepPlanJsonContext : JsonSerializerContext
{
    /// <summary>The context in <see cref="JsonConvention"/>, nulls left out.</summary>
    public static SweepPlanJsonContext Convention { get; } = new(JsonConvention.Document(omitNulls: true));
}
