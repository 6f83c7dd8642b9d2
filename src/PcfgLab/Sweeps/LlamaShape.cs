using System.Globalization;
using System.Text.Json.Serialization;

namespace PcfgLab.Sweeps;

/// <summary>
/// The shape of a Llama decoder (Hugging Face <c>LlamaConfig</c>): hidden size, MLP intermediate size, layers
/// and attention heads (as many key/value heads as query heads).
/// </summary>
/// <param name="Hidden">Hidden size h.</param>
/// <param name="Intermediate">MLP intermediate size i.</param>
/// <param name="Layers">Number of decoder layers.</param>
/// <param name="Heads">Attention heads; must divide <paramref name="Hidden"/>.</param>
public sealed record LlamaShape(
    [property: JsonPropertyName("hidden")] int Hidden,
    [property: JsonPropertyName("intermediate")] int Intermediate,
    [property: JsonPropertyName("layers")] int Layers,
    [property: JsonPropertyName("heads")] int Heads)
{
    /// <summary>The study's vocabulary size (its tokenizer's 32,000 tokens plus one).</summary>
    public const int StudyVocabulary = 32001;

    /// <summary>The study's context length in tokens.</summary>
    public const int StudyContext = 256;

    /// <summary>The study's six model shapes, smallest first.</summary>
    public static IReadOnlyList<LlamaShape> Study { get; } =
    [
        new(64, 128, 2, 1),
        new(128, 256, 4, 2),
        new(256, 512, 6, 4),
        new(512, 1024, 10, 8),
        new(1024, 2048, 20, 16),
        new(2048, 4096, 30, 32),
    ];

    /// <summary>A short, file-name-safe label such as <c>h64-i128-l2-a1</c>.</summary>
    [JsonIgnore]
    public string Label => string.Create(CultureInfo.InvariantCulture, $"h{Hidden}-i{Intermediate}-l{Layers}-a{Heads}");

    /// <summary>
    /// Exact trainable parameters of a <c>LlamaForCausalLM</c> with this shape, counted as Hugging Face counts them:
    /// untied input embedding and lm_head (V*h each); per layer q, k, v, o projections without bias (h*h each),
    /// gate/up/down MLP (3*h*i) and two RMSNorm weights (2*h); plus the final RMSNorm (h).
    /// </summary>
    /// <param name="vocabulary">Vocabulary size V.</param>
    public long ParameterCount(int vocabulary)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabulary, 1);
        long h = Hidden;
        long perLayer = (4 * h * h) + (3 * h * Intermediate) + (2 * h);
        return (2L * vocabulary * h) + (Layers * perLayer) + h;
    }

    /// <summary>Throws <see cref="UserInputException"/> when a size is not positive or the heads do not divide the hidden size.</summary>
    public void Validate()
    {
        if (Hidden < 1 || Intermediate < 1 || Layers < 1 || Heads < 1)
        {
            throw new UserInputException($"model shape {Label} has a size below 1: every one of hidden, intermediate, layers and heads must be positive.");
        }

        if (Hidden % Heads != 0)
        {
            throw new UserInputException($"model shape {Label}: heads ({Heads}) must divide hidden ({Hidden}).");
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"({Hidden},{Intermediate},{Layers},{Heads})");
}
