using System.Text.Json.Serialization;

namespace PcfgLab.Sweeps;

/// <summary>
/// How every cell of a sweep is trained. The defaults are the study's: context 256, batch 32, one epoch, AdamW at
/// 5e-5 with cosine decay and no warmup, a validation split of 1% of the documents.
/// </summary>
public sealed record TrainingSettings
{
    /// <summary>The study's settings.</summary>
    public static TrainingSettings Study { get; } = new();

    /// <summary>
    /// Small models on a CPU (hidden 8-96): the study's AdamW with cosine decay over one epoch, but batch 8, a 10-step
    /// warmup and lr 1e-2 x 32 / hidden, chosen by the learning-rate scan recorded in <c>sweeps/lr-scan/</c>
    /// (docs/sweep.md). At the study's lr 5e-5 such models barely move from the uniform loss in a few million tokens.
    /// </summary>
    public static TrainingSettings Small { get; } = new()
    {
        Profile = "small", BatchSize = 8, LearningRate = 1e-2, LearningRateHidden = 32, WarmupSteps = 10,
    };

    /// <summary>
    /// When set, <see cref="LearningRate"/> is the rate at this hidden size and each shape trains at
    /// LearningRate x LearningRateHidden / hidden (the scan found the best rate falling as models widen: 1e-2 at
    /// hidden 32, 3e-3 at hidden 96). The plan's cells carry the rate of their shape.
    /// </summary>
    [JsonPropertyName("learning_rate_hidden")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? LearningRateHidden { get; init; }

    /// <summary>The settings a cell of <paramref name="shape"/> trains with: the width rule applied, when there is one.</summary>
    public TrainingSettings ForShape(LlamaShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return LearningRateHidden is int reference
            ? this with { LearningRate = LearningRate * reference / shape.Hidden }
            : this;
    }

    /// <summary>The profile of <paramref name="name"/> (<c>study</c> or <c>small</c>); throws <see cref="UserInputException"/> otherwise.</summary>
    public static TrainingSettings ForProfile(string name) => name switch
    {
        "study" => Study,
        "small" => Small,
        _ => throw new UserInputException($"training profile '{name}' is not known: use study (the paper's settings) or small (small models on a CPU)."),
    };

    /// <summary>Name of the profile the settings started from (<c>study</c> or <c>small</c>), recorded in every run.</summary>
    [JsonPropertyName("profile")]
    public string Profile { get; init; } = "study";

    /// <summary>AdamW's decoupled weight decay (0: none, as the study's Hugging Face Trainer default).</summary>
    [JsonPropertyName("weight_decay")]
    public double WeightDecay { get; init; }

    /// <summary>Context length in tokens (each training sequence).</summary>
    [JsonPropertyName("context")]
    public int Context { get; init; } = LlamaShape.StudyContext;

    /// <summary>Sequences per optimiser step.</summary>
    [JsonPropertyName("batch_size")]
    public int BatchSize { get; init; } = 32;

    /// <summary>Peak learning rate of AdamW.</summary>
    [JsonPropertyName("learning_rate")]
    public double LearningRate { get; init; } = 5e-5;

    /// <summary>Learning-rate schedule: <c>cosine</c> (decay to zero over the run) or <c>constant</c>.</summary>
    [JsonPropertyName("schedule")]
    public string Schedule { get; init; } = "cosine";

    /// <summary>Warmup steps before the schedule (the study used none).</summary>
    [JsonPropertyName("warmup_steps")]
    public int WarmupSteps { get; init; }

    /// <summary>Passes over the D training tokens.</summary>
    [JsonPropertyName("epochs")]
    public int Epochs { get; init; } = 1;

    /// <summary>Share of the dataset's documents held out for validation (taken from the end).</summary>
    [JsonPropertyName("validation_fraction")]
    public double ValidationFraction { get; init; } = 0.01;

    /// <summary>
    /// When set, exactly this many documents (the dataset's last ones) are held out for validation instead of
    /// <see cref="ValidationFraction"/>: about 1000 make a paired floor's standard error small (the CPU grid's 1% of a
    /// 4M-token dataset was 156). The adapter does not cut it by its <c>--max-valid-docs</c>. Left out of the plan when
    /// unset, so plans that do not use it are unchanged.
    /// </summary>
    [JsonPropertyName("validation_documents")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ValidationDocuments { get; init; }

    /// <summary>
    /// The tokens left for training in a dataset of <paramref name="tokens"/> tokens in <paramref name="documents"/>
    /// equal documents (null when unknown) after the validation split: the fraction's share, or with
    /// <see cref="ValidationDocuments"/> that many documents' tokens (all of them when the documents are not known: the adapter checks).
    /// </summary>
    public long TrainingTokens(long tokens, long? documents)
    {
        if (ValidationDocuments is int held)
        {
            if (documents is long count && count > 0)
            {
                var kept = Math.Max(1, count - held);
                return (long)Math.Floor((double)tokens * kept / count);
            }

            return tokens; // not known here: the adapter checks when it splits
        }

        return (long)Math.Floor(tokens * (1 - ValidationFraction));
    }

    /// <summary>How the validation split reads in a message: "the 1% validation split" or "the 1000-document validation split".</summary>
    [JsonIgnore]
    public string ValidationSplitName => ValidationDocuments is int held
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the {held}-document validation split")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the {ValidationFraction:P0} validation split");

    /// <summary>Throws <see cref="UserInputException"/> when a setting is out of range.</summary>
    public void Validate()
    {
        if (Context < 2 || BatchSize < 1 || Epochs < 1 || WarmupSteps < 0)
        {
            throw new UserInputException("training settings: context must be at least 2, batch size and epochs at least 1, warmup steps not negative.");
        }

        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
        {
            throw new UserInputException($"training settings: learning rate must be a positive number, got {LearningRate}.");
        }

        if (Schedule is not ("cosine" or "constant"))
        {
            throw new UserInputException($"training settings: schedule '{Schedule}' is not known: use cosine or constant.");
        }

        if (LearningRateHidden is < 1)
        {
            throw new UserInputException($"training settings: the learning rate's reference hidden size must be at least 1, got {LearningRateHidden}.");
        }

        if (!(WeightDecay >= 0) || !double.IsFinite(WeightDecay))
        {
            throw new UserInputException($"training settings: weight decay must be a number of at least 0, got {WeightDecay}.");
        }

        if (ValidationDocuments is < 1)
        {
            throw new UserInputException($"training settings: validation documents must be at least 1, got {ValidationDocuments}.");
        }

        if (!(ValidationFraction > 0 && ValidationFraction < 0.5))
        {
            throw new UserInputException($"training settings: validation fraction must lie in (0, 0.5), got {ValidationFraction}.");
        }
    }
}
