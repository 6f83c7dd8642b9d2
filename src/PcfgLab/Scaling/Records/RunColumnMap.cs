namespace PcfgLab.Scaling;

/// <summary>How the final loss is taken when the input stores per-step loss lists (the reference's results format).</summary>
public enum FinalLossChoice
{
    /// <summary>A scalar loss column: <c>loss</c>, else <c>final_valid_loss</c>, else the last of <c>valid_loss</c>.</summary>
    Auto,

    /// <summary>The last validation loss: last of <c>valid_loss</c>, else <c>final_valid_loss</c>.</summary>
    Valid,

    /// <summary>The mean of the last k training losses: <c>train_loss</c> or <c>train_losses</c>, else <c>final_train_loss</c>.</summary>
    TrainTail,
}

/// <summary>
/// Which input columns hold what. A name left null falls back to the usual names (for example N: <c>N</c>,
/// <c>model_size</c>, <c>params</c>, <c>parameters</c>, <c>parameter_count</c>); a name given must exist.
/// </summary>
public sealed record RunColumnMap
{
    /// <summary>Dataset name column (default <c>dataset</c> or <c>dataset_name</c>; none: every run in one dataset).</summary>
    public string? Dataset { get; init; }

    /// <summary>Parameter count N (default <c>N</c>, <c>model_size</c>, <c>params</c>, <c>parameters</c>, <c>parameter_count</c>).</summary>
    public string? Parameters { get; init; }

    /// <summary>Training tokens D (default <c>D</c>, <c>token_ct</c>, <c>tokens</c>); when absent D = C / (6N).</summary>
    public string? Tokens { get; init; }

    /// <summary>Training compute C (default <c>C</c>, <c>flops</c>, <c>FLOPs</c>); when absent C = 6ND.</summary>
    public string? Flops { get; init; }

    /// <summary>Loss column; when set it overrides <see cref="FinalLoss"/>. A list value gives its last element.</summary>
    public string? Loss { get; init; }

    /// <summary>Gzip compressibility H (default <c>H</c>, <c>dataset_gzip</c> [median, stdev], <c>gzip</c>); optional.</summary>
    public string? Compressibility { get; init; }

    /// <summary>Which loss to take when <see cref="Loss"/> is not set.</summary>
    public FinalLossChoice FinalLoss { get; init; } = FinalLossChoice.Auto;

    /// <summary>k for <see cref="FinalLossChoice.TrainTail"/>: how many of the last training losses to average.</summary>
    public int TrainTailCount { get; init; } = 10;

    /// <summary>
    /// Leave out every row that repeats an earlier row exactly (every column equal). Exact duplicates are otherwise
    /// fitted as separate runs, with a warning: they weigh their point twice and make bootstrap errors too small.
    /// </summary>
    public bool DropExactDuplicates { get; init; }

    /// <summary>The defaults: every column found by its usual names.</summary>
    public static RunColumnMap Default { get; } = new();
}
