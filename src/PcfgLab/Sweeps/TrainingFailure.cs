using System.Text.Json.Serialization;

namespace PcfgLab.Sweeps;

/// <summary>A cell whose trainer failed: one line of the failures file written by <see cref="SweepRunner"/>.</summary>
public sealed record TrainingFailure
{
    /// <summary>Plan cell identifier.</summary>
    [JsonPropertyName("cell_id")]
    public required string CellId { get; init; }

    /// <summary>Index of the cell in the plan.</summary>
    [JsonPropertyName("cell_index")]
    public int CellIndex { get; init; }

    /// <summary>The trainer's exit code (0 when it exited cleanly but wrote no record).</summary>
    [JsonPropertyName("exit_code")]
    public int ExitCode { get; init; }

    /// <summary>What went wrong, in one line.</summary>
    [JsonPropertyName("reason")]
    public required string Reason { get; init; }

    /// <summary>The last lines of the trainer's stderr.</summary>
    [JsonPropertyName("stderr_tail")]
    public string StderrTail { get; init; } = string.Empty;

    /// <summary>The command that was run.</summary>
    [JsonPropertyName("command")]
    public required string Command { get; init; }

    /// <summary>UTC time of the failure (ISO 8601).</summary>
    [JsonPropertyName("failed_at")]
    public required string FailedAt { get; init; }
}
