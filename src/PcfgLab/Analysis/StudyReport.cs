using PcfgLab.Sweeps;

namespace PcfgLab.Analysis;

/// <summary>
/// Everything a sweep report says, built once by <see cref="StudyReportBuilder"/> from the run records, the plan, the
/// dataset manifests and the failures files: each dataset's fit, the parameters' lines on H, the joint fit and the
/// allocation approaches, the missing cells and the problems met while reading. The report's Markdown, JSON and figures
/// (namespace <c>PcfgLab.Reporting</c>) are renderers of this one model: they read no file and fit nothing.
/// </summary>
public sealed record StudyReport
{
    /// <summary>When the model was built (UTC): the report's "Written" time.</summary>
    public required DateTime Created { get; init; }

    /// <summary>The results files read, in the order given, with whether each existed.</summary>
    public required IReadOnlyList<ResultsFileStatus> ResultsFiles { get; init; }

    /// <summary>The plan file, when one was given.</summary>
    public string? PlanPath { get; init; }

    /// <summary>The plan's cells, when a plan was given.</summary>
    public IReadOnlyList<PlanCell>? Plan { get; init; }

    /// <summary>Every run record read (of a cell recorded twice, the later record).</summary>
    public required IReadOnlyList<TrainingRecord> Records { get; init; }

    /// <summary>Per-dataset results: the plan's datasets in plan order, then datasets only the records name.</summary>
    public required IReadOnlyList<DatasetResults> Datasets { get; init; }

    /// <summary>The parameter-against-H lines (empty with fewer than two fitted datasets of different H).</summary>
    public required IReadOnlyList<ParameterTrend> Trends { get; init; }

    /// <summary>Every identified parameter against every candidate predictor (<see cref="PredictorTable"/>).</summary>
    public IReadOnlyList<PredictorFit> Predictors { get; init; } = [];

    /// <summary>alpha, beta and a against gzip H within the iso-vocabulary series (<see cref="PredictorTable.BuildIsoVocabulary"/>).</summary>
    public IReadOnlyList<PredictorFit> IsoVocabularyPredictors { get; init; } = [];

    /// <summary>The study's claims judged by <see cref="StudyVerdict"/>.</summary>
    public IReadOnlyList<ClaimVerdict> Verdicts { get; init; } = [];

    /// <summary>The joint data-dependent fit beside the two-step regression, and the three allocation approaches.</summary>
    public required StudyComparison Comparison { get; init; }

    /// <summary>The compute range the frontier figures span, or null when no dataset was fitted.</summary>
    public ComputeRange? Compute { get; init; }

    /// <summary>The plan's cells without a record, each with its last failure when one was recorded; null without a plan.</summary>
    public IReadOnlyList<MissingCell>? MissingCells { get; init; }

    /// <summary>Failures files that could not be read (only read when cells are missing).</summary>
    public IReadOnlyList<string> UnreadableFailuresFiles { get; init; } = [];

    /// <summary>Problems met while reading records and datasets (the records and datasets concerned are left out).</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Bootstrap resamples of each dataset's runs (0: none).</summary>
    public int BootstrapSamples { get; init; }

    /// <summary>The report's seed (bootstrap and gzip sample).</summary>
    public ulong Seed { get; init; }

    /// <summary>Records written by the synthetic trainer (no model trained).</summary>
    public int SyntheticRecords => Records.Count(r => r.IsSynthetic);

    /// <summary>Datasets with a fitted law.</summary>
    public int DatasetsFitted => Datasets.Count(d => d.Fit is not null);

    /// <summary>
    /// The compute at which the allocation table is evaluated: the largest C = 6ND among the runs (not the top of
    /// <see cref="Compute"/>, which is widened for the figures when the runs span a decade or less); 0 without fits.
    /// </summary>
    public double ReferenceFlops => Compute is null || Records.Count == 0 ? 0 : Records.Max(r => 6.0 * r.Parameters * r.Tokens);
}

/// <summary>A results file named to the report, and whether it existed when read.</summary>
/// <param name="Path">The path as given.</param>
/// <param name="Found">Whether the file existed.</param>
public sealed record ResultsFileStatus(string Path, bool Found);

/// <summary>A span of training compute C = 6ND in FLOPs.</summary>
/// <param name="Low">Lower end.</param>
/// <param name="High">Upper end.</param>
public sealed record ComputeRange(double Low, double High)
{
    /// <summary>
    /// The runs' compute range, widened by a decade either side when it spans a decade or less (a frontier drawn
    /// over less says little); null without runs.
    /// </summary>
    public static ComputeRange? Of(IReadOnlyList<TrainingRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return null;
        }

        var low = double.PositiveInfinity;
        var high = double.NegativeInfinity;
        foreach (var r in records)
        {
            var flops = 6.0 * r.Parameters * r.Tokens;
            low = Math.Min(low, flops);
            high = Math.Max(high, flops);
        }

        return high <= low * 10 ? new ComputeRange(low / 10, high * 10) : new ComputeRange(low, high);
    }
}

/// <summary>A planned cell without a run record.</summary>
/// <param name="Cell">The plan's cell.</param>
/// <param name="LastFailure">The last failure recorded for it in the failures files, when any.</param>
public sealed record MissingCell(PlanCell Cell, TrainingFailure? LastFailure);
