using System.Text.Json.Serialization;

namespace PcfgLab.Sweeps;

/// <summary>
/// The result of training one cell: one line of a results file (JSON Lines), written by the PyTorch adapter
/// (<c>src/trainers/torch/train_cell.py</c>) or by the synthetic trainer (<see cref="SyntheticTrainer"/>, whose
/// records say <c>"device": "synthetic"</c>).
/// </summary>
public sealed record TrainingRecord
{
    /// <summary>The device string of records made by the synthetic trainer.</summary>
    public const string SyntheticDevice = "synthetic";

    /// <summary>Plan cell identifier.</summary>
    [JsonPropertyName("cell_id")]
    public required string CellId { get; init; }

    /// <summary>Index of the cell in the plan it was trained from.</summary>
    [JsonPropertyName("cell_index")]
    public int? CellIndex { get; init; }

    /// <summary>Dataset name.</summary>
    [JsonPropertyName("dataset")]
    public required string Dataset { get; init; }

    /// <summary>Median gzip compressibility of the dataset.</summary>
    [JsonPropertyName("H")]
    public double? GzipMedian { get; init; }

    /// <summary>Model parameters N.</summary>
    [JsonPropertyName("N")]
    public long Parameters { get; init; }

    /// <summary>Training tokens D.</summary>
    [JsonPropertyName("D")]
    public long Tokens { get; init; }

    /// <summary>Mean training loss (nats per token) over the last steps.</summary>
    [JsonPropertyName("final_train_loss")]
    public double FinalTrainLoss { get; init; }

    /// <summary>Loss (nats per token) on the held-out validation documents after training.</summary>
    [JsonPropertyName("final_valid_loss")]
    public double FinalValidLoss { get; init; }

    /// <summary>Standard error of <see cref="FinalValidLoss"/> over the held-out documents, or null when not recorded.</summary>
    [JsonPropertyName("valid_loss_stderr")]
    public double? ValidLossStandardError { get; init; }

    /// <summary>
    /// The dataset documents the validation loss was measured on, as [first, stop) ranges of document indices (rows
    /// of <c>tokens.npy</c>, or of the Parquet shards in order), or null in older and synthetic records.
    /// </summary>
    [JsonPropertyName("valid_document_ranges")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<IReadOnlyList<long>>? ValidDocumentRanges { get; init; }

    /// <summary>
    /// Each validation document's mean loss (nats per token over its positions 2..L), in the order of
    /// <see cref="ValidDocumentRanges"/> (null for a document that predicts nothing), or null in older records.
    /// </summary>
    [JsonPropertyName("valid_document_losses")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<double?>? ValidDocumentLosses { get; init; }

    /// <summary>
    /// The document indices of <see cref="ValidDocumentRanges"/>, ascending, when the record carries well-formed
    /// ranges (each [first, stop) with 0 &lt;= first &lt; stop, ascending and disjoint) and one loss per document;
    /// else null (older records, or damaged fields: the report then falls back to the unpaired comparison).
    /// </summary>
    public IReadOnlyList<long>? ValidDocumentIndices()
    {
        if (ValidDocumentRanges is not { Count: > 0 } ranges || ValidDocumentLosses is not { } losses)
        {
            return null;
        }

        var indices = new List<long>(losses.Count);
        var previous = -1L;
        foreach (var range in ranges)
        {
            if (range is not { Count: 2 } || range[0] < 0 || range[1] <= range[0] || range[0] <= previous || range[1] - range[0] > losses.Count - indices.Count)
            {
                return null;
            }

            for (var d = range[0]; d < range[1]; d++)
            {
                indices.Add(d);
            }

            previous = range[1] - 1;
        }

        return indices.Count == losses.Count ? indices : null;
    }

    /// <summary>Training loss of every optimiser step.</summary>
    [JsonPropertyName("train_losses")]
    public IReadOnlyList<double> TrainLosses { get; init; } = [];

    /// <summary>Tokens per optimiser step (batch x context), or null when not recorded: with <see cref="TrainLosses"/>, the training curve against compute.</summary>
    [JsonPropertyName("tokens_per_step")]
    public long? TokensPerStep { get; init; }

    /// <summary>Wall-clock seconds of the training run.</summary>
    [JsonPropertyName("wall_seconds")]
    public double WallSeconds { get; init; }

    /// <summary>Where it ran: a CUDA device name, <c>cpu</c>, or <c>synthetic</c>.</summary>
    [JsonPropertyName("device")]
    public required string Device { get; init; }

    /// <summary>PyTorch version, or null for synthetic records.</summary>
    [JsonPropertyName("torch_version")]
    public string? TorchVersion { get; init; }

    /// <summary>transformers version, or null for synthetic records.</summary>
    [JsonPropertyName("transformers_version")]
    public string? TransformersVersion { get; init; }

    /// <summary>Training seed.</summary>
    [JsonPropertyName("seed")]
    public int Seed { get; init; }

    /// <summary>Model shape, when the trainer recorded it.</summary>
    [JsonPropertyName("shape")]
    public LlamaShape? Shape { get; init; }

    /// <summary>Which trainer wrote the record (<c>torch</c> or <c>synthetic</c>) and its version.</summary>
    [JsonPropertyName("trainer")]
    public string? Trainer { get; init; }

    /// <summary>The training profile the plan used (<c>study</c>, <c>small</c>), or null in older records.</summary>
    [JsonPropertyName("profile")]
    public string? Profile { get; init; }

    /// <summary>The autocast dtype (<c>float32</c>, <c>bfloat16</c>), or null in older and synthetic records.</summary>
    [JsonPropertyName("dtype")]
    public string? DType { get; init; }

    /// <summary>Torch's intra-op threads of the training process, or null in older and synthetic records.</summary>
    [JsonPropertyName("threads")]
    public int? Threads { get; init; }

    /// <summary>How many cells the training process trained at once (1: alone), or null in older and synthetic records.</summary>
    [JsonPropertyName("cells_per_process")]
    public int? CellsPerProcess { get; init; }

    /// <summary>The processor that trained the cell (the CPU's model name), or null in older and synthetic records.</summary>
    [JsonPropertyName("processor")]
    public string? Processor { get; init; }

    /// <summary>The cell's learning rate, or null in older and synthetic records.</summary>
    [JsonPropertyName("learning_rate")]
    public double? LearningRate { get; init; }

    /// <summary>CPU time of the training loop (user + system, all threads), or null in older and synthetic records.</summary>
    [JsonPropertyName("cpu_seconds")]
    public double? CpuSeconds { get; init; }

    /// <summary>UTC time the record was written (ISO 8601).</summary>
    [JsonPropertyName("finished_at")]
    public string? FinishedAt { get; init; }

    /// <summary>True when the record came from the synthetic trainer, not from training a model.</summary>
    [JsonIgnore]
    public bool IsSynthetic => string.Equals(Device, SyntheticDevice, StringComparison.Ordinal);
}
