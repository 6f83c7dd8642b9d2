using System.Globalization;
using System.Text.Json;
using PcfgLab.Grammars;

namespace PcfgLab.Sweeps;

/// <summary>
/// What a sweep trains: datasets (folders written by <c>pcfglab generate</c>), model shapes, token budgets and
/// seeds, with the vocabulary and training settings. <see cref="Study"/> is the study's grid. A sweep file is
/// JSON (see docs/sweep.md):
/// <code>
/// { "dataRoot": "data", "presets": ["gzipscale-0.11"], "datasets": [{"name": "mine", "path": "data/mine"}],
///   "shapes": [{"hidden": 64, "intermediate": 128, "layers": 2, "heads": 1}], "maxShapes": 4,
///   "tokens": ["100k", "1M"], "seeds": [0], "vocabulary": 32001 | "grammar",
///   "training": {"context": 256, "batchSize": 32, "learningRate": 5e-5, "schedule": "cosine", "warmupSteps": 0, "epochs": 1} }
/// </code>
/// </summary>
public sealed record SweepSpec
{
    /// <summary>The study's six dataset names, in order of compressibility (<see cref="GrammarPresets.Study"/> owns them).</summary>
    public static IReadOnlyList<string> StudyPresets { get; } = [.. GrammarPresets.Study.Select(p => p.Name)];

    /// <summary>The study's token budgets: 100K, 1M, 5M, 20M, 50M, 100M.</summary>
    public static IReadOnlyList<long> StudyTokens { get; } = [100_000, 1_000_000, 5_000_000, 20_000_000, 50_000_000, 100_000_000];

    /// <summary>Dataset folders, in plan order.</summary>
    public IReadOnlyList<string> Datasets { get; init; } = [];

    /// <summary>Model shapes, smallest first.</summary>
    public IReadOnlyList<LlamaShape> Shapes { get; init; } = LlamaShape.Study;

    /// <summary>Token budgets D.</summary>
    public IReadOnlyList<long> Tokens { get; init; } = StudyTokens;

    /// <summary>Training seeds.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [0];

    /// <summary>Vocabulary size, or null to use each dataset's own (max token id + 1).</summary>
    public int? Vocabulary { get; init; } = LlamaShape.StudyVocabulary;

    /// <summary>Optimiser and data settings.</summary>
    public TrainingSettings Training { get; init; } = TrainingSettings.Study;

    /// <summary>The study's grid over the six presets found under <paramref name="dataRoot"/>.</summary>
    public static SweepSpec Study(string dataRoot) =>
        new() { Datasets = StudyPresets.Select(p => Path.Combine(dataRoot, p)).ToArray() };

    /// <summary>Throws <see cref="UserInputException"/> when the spec cannot make a plan.</summary>
    public void Validate()
    {
        if (Datasets.Count == 0)
        {
            throw UserInputException.ForParameters($"the sweep names no dataset: add \"presets\" or \"datasets\" to the sweep file, or pass {new Parameter("SweepSpec.Datasets")}.");
        }

        if (Shapes.Count == 0 || Tokens.Count == 0 || Seeds.Count == 0)
        {
            throw new UserInputException("the sweep needs at least one shape, one token budget and one seed.");
        }

        foreach (var shape in Shapes)
        {
            shape.Validate();
        }

        foreach (var tokens in Tokens)
        {
            if (tokens < 1)
            {
                throw new UserInputException($"token budget {tokens} is not positive.");
            }
        }

        if (Vocabulary is < 2)
        {
            throw new UserInputException($"vocabulary {Vocabulary} is too small: give at least 2, or \"grammar\".");
        }

        Training.Validate();
    }

    /// <summary>
    /// Reads a sweep file. Relative dataset paths and <c>dataRoot</c> are relative to the file's folder. Throws
    /// <see cref="UserInputException"/> with one line naming the bad field.
    /// </summary>
    public static SweepSpec Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new UserInputException($"sweep file '{path}' does not exist: pass the path of a JSON sweep file (see docs/sweep.md).");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new UserInputException($"sweep file '{path}' is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            return Parse(document.RootElement, Path.GetDirectoryName(Path.GetFullPath(path))!, path);
        }
    }

    private static SweepSpec Parse(JsonElement root, string baseFolder, string source)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new UserInputException($"sweep file '{source}' must hold a JSON object.");
        }

        var spec = new SweepSpec();
        var dataRoot = baseFolder;
        var datasets = new List<string>();
        var training = TrainingSettings.Study;
        int? maxShapes = null;
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "dataRoot":
                    dataRoot = Path.GetFullPath(Path.Combine(baseFolder, RequireString(value, "dataRoot", source)));
                    break;
                case "presets":
                case "datasets":
                case "vocabulary":
                case "shapes":
                case "tokens":
                case "seeds":
                case "maxShapes":
                case "training":
                case "name":
                case "description":
                    break;
                default:
                    throw new UserInputException($"sweep file '{source}': unknown field \"{property.Name}\" (known: name, description, dataRoot, presets, datasets, shapes, maxShapes, tokens, seeds, vocabulary, training).");
            }
        }

        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "presets":
                    foreach (var item in RequireArray(value, "presets", source))
                    {
                        datasets.Add(Path.Combine(dataRoot, RequireString(item, "presets[]", source)));
                    }

                    break;
                case "datasets":
                    foreach (var item in RequireArray(value, "datasets", source))
                    {
                        var text = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("path", out var p)
                            ? RequireString(p, "datasets[].path", source)
                            : RequireString(item, "datasets[]", source);
                        datasets.Add(Path.GetFullPath(Path.Combine(baseFolder, text)));
                    }

                    break;
                case "shapes":
                    spec = spec with { Shapes = RequireArray(value, "shapes", source).Select(s => ParseShape(s, source)).ToArray() };
                    break;
                case "maxShapes":
                    maxShapes = RequireInt(value, "maxShapes", source);
                    break;
                case "tokens":
                    spec = spec with { Tokens = RequireArray(value, "tokens", source).Select(t => ParseCount(t, source)).ToArray() };
                    break;
                case "seeds":
                    spec = spec with { Seeds = RequireArray(value, "seeds", source).Select(s => RequireInt(s, "seeds[]", source)).ToArray() };
                    break;
                case "vocabulary":
                    spec = spec with
                    {
                        Vocabulary = value.ValueKind == JsonValueKind.String && value.GetString() == "grammar"
                            ? null
                            : RequireInt(value, "vocabulary", source),
                    };
                    break;
                case "training":
                    training = ParseTraining(value, source);
                    break;
                default:
                    break;
            }
        }

        spec = spec with { Datasets = datasets, Training = training };
        if (maxShapes is { } k)
        {
            spec = spec with { Shapes = spec.Shapes.Take(Math.Max(0, k)).ToArray() };
        }

        return spec;
    }

    private static TrainingSettings ParseTraining(JsonElement value, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new UserInputException($"sweep file '{source}': \"training\" must be an object.");
        }

        // The named profile first, whatever the order of the fields: the others override it.
        var settings = value.TryGetProperty("profile", out var profile)
            ? TrainingSettings.ForProfile(RequireString(profile, "training.profile", source))
            : TrainingSettings.Study;
        foreach (var property in value.EnumerateObject())
        {
            var field = "training." + property.Name;
            settings = property.Name switch
            {
                "profile" => settings,
                "learningRateHidden" => settings with { LearningRateHidden = RequireInt(property.Value, field, source) },
                "weightDecay" => settings with { WeightDecay = RequireNumber(property.Value, field, source) },
                "context" => settings with { Context = RequireInt(property.Value, field, source) },
                "batchSize" => settings with { BatchSize = RequireInt(property.Value, field, source) },
                "learningRate" => settings with { LearningRate = RequireNumber(property.Value, field, source) },
                "schedule" => settings with { Schedule = RequireString(property.Value, field, source) },
                "warmupSteps" => settings with { WarmupSteps = RequireInt(property.Value, field, source) },
                "epochs" => settings with { Epochs = RequireInt(property.Value, field, source) },
                "validationFraction" => settings with { ValidationFraction = RequireNumber(property.Value, field, source) },
                "validationDocuments" => settings with { ValidationDocuments = RequireInt(property.Value, field, source) },
                _ => throw new UserInputException($"sweep file '{source}': unknown field \"{field}\" (known: profile, context, batchSize, learningRate, learningRateHidden, weightDecay, schedule, warmupSteps, epochs, validationFraction, validationDocuments)."),
            };
        }

        return settings;
    }

    private static LlamaShape ParseShape(JsonElement value, string source)
    {
        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 4)
        {
            var n = value.EnumerateArray().Select(v => RequireInt(v, "shapes[]", source)).ToArray();
            return new LlamaShape(n[0], n[1], n[2], n[3]);
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            int Get(string name) => value.TryGetProperty(name, out var v)
                ? RequireInt(v, "shapes[]." + name, source)
                : throw new UserInputException($"sweep file '{source}': a shape lacks \"{name}\" (give hidden, intermediate, layers, heads).");
            return new LlamaShape(Get("hidden"), Get("intermediate"), Get("layers"), Get("heads"));
        }

        throw new UserInputException($"sweep file '{source}': a shape must be {{\"hidden\",\"intermediate\",\"layers\",\"heads\"}} or [h, i, layers, heads].");
    }

    private static long ParseCount(JsonElement value, string source) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var n) => n,
        JsonValueKind.String => CountFormat.Parse(value.GetString()!, "token budget"),
        _ => throw new UserInputException($"sweep file '{source}': a token budget must be a whole number or a string like \"5M\"."),
    };

    private static JsonElement.ArrayEnumerator RequireArray(JsonElement value, string field, string source) =>
        value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : throw new UserInputException($"sweep file '{source}': \"{field}\" must be an array.");

    private static string RequireString(JsonElement value, string field, string source) =>
        value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new UserInputException($"sweep file '{source}': \"{field}\" must be a string.");

    private static int RequireInt(JsonElement value, string field, string source) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n)
            ? n
            : throw new UserInputException($"sweep file '{source}': \"{field}\" must be a whole number, got {value.GetRawText()}.");

    private static double RequireNumber(JsonElement value, string field, string source) =>
        value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                ? d
                : throw new UserInputException($"sweep file '{source}': \"{field}\" must be a number, got {value.GetRawText()}.");
}
