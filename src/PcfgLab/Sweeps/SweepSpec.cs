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
/// A designed sweep gives each group of datasets its own grid instead of top-level presets or datasets (the
/// top-level shapes, tokens and seeds are then the groups' defaults):
/// <code>
/// { "groups": [{ "presets": ["gzipscale-0.61"], "shapes": [[16, 32, 1, 1], ...], "tokens": ["500k", ...], "seeds": [0],
///                "batch": {"min": 2, "max": 8, "minSteps": 200},
///                "lrScan": {"factors": [0.316, 1, 3.16], "tokens": ["2M"]} }], ... }
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

    /// <summary>
    /// The designed sweep's groups, each with its own datasets, shapes, budgets, seeds, batch rule and learning-rate
    /// scan; empty for a plain sweep (one grid over <see cref="Datasets"/>, <see cref="Shapes"/>, <see cref="Tokens"/>
    /// and <see cref="Seeds"/>).
    /// </summary>
    public IReadOnlyList<SweepGroup> Groups { get; init; } = [];

    /// <summary>The groups the planner walks: <see cref="Groups"/>, or for a plain sweep one group of its datasets and grid.</summary>
    public IReadOnlyList<SweepGroup> PlannedGroups => Groups.Count > 0
        ? Groups
        : [new SweepGroup { Datasets = Datasets, Shapes = Shapes, Tokens = Tokens, Seeds = Seeds }];

    /// <summary>The study's grid over the six presets found under <paramref name="dataRoot"/>.</summary>
    public static SweepSpec Study(string dataRoot) =>
        new() { Datasets = StudyPresets.Select(p => Path.Combine(dataRoot, p)).ToArray() };

    /// <summary>Throws <see cref="UserInputException"/> when the spec cannot make a plan.</summary>
    public void Validate()
    {
        if (Groups.Count > 0)
        {
            foreach (var group in Groups)
            {
                group.Validate();
            }

            if (Vocabulary is < 2)
            {
                throw new UserInputException($"vocabulary {Vocabulary} is too small: give at least 2, or \"grammar\".");
            }

            Training.Validate();
            return;
        }

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
                case "groups":
                    break;
                default:
                    throw new UserInputException($"sweep file '{source}': unknown field \"{property.Name}\" (known: name, description, dataRoot, presets, datasets, groups, shapes, maxShapes, tokens, seeds, vocabulary, training).");
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

        if (root.TryGetProperty("groups", out var groups))
        {
            if (datasets.Count > 0)
            {
                throw new UserInputException($"sweep file '{source}': \"groups\" name their own datasets: move the top-level \"presets\" and \"datasets\" into a group.");
            }

            var parsed = RequireArray(groups, "groups", source).Select(g => ParseGroup(g, spec, dataRoot, baseFolder, source)).ToArray();
            if (parsed.Length == 0)
            {
                throw new UserInputException($"sweep file '{source}': \"groups\" is empty: give at least one group, or drop it.");
            }

            spec = spec with { Groups = parsed, Datasets = parsed.SelectMany(g => g.Datasets).ToArray() };
        }

        return spec;
    }

    private static SweepGroup ParseGroup(JsonElement value, SweepSpec defaults, string dataRoot, string baseFolder, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new UserInputException($"sweep file '{source}': each of \"groups\" must be an object.");
        }

        var group = new SweepGroup { Shapes = defaults.Shapes, Tokens = defaults.Tokens, Seeds = defaults.Seeds };
        var datasets = new List<string>();
        foreach (var property in value.EnumerateObject())
        {
            var field = "groups[]." + property.Name;
            var item = property.Value;
            switch (property.Name)
            {
                case "name":
                case "description":
                    break;
                case "presets":
                    foreach (var p in RequireArray(item, field, source))
                    {
                        datasets.Add(Path.Combine(dataRoot, RequireString(p, field + "[]", source)));
                    }

                    break;
                case "datasets":
                    foreach (var d in RequireArray(item, field, source))
                    {
                        var text = d.ValueKind == JsonValueKind.Object && d.TryGetProperty("path", out var p)
                            ? RequireString(p, field + "[].path", source)
                            : RequireString(d, field + "[]", source);
                        datasets.Add(Path.GetFullPath(Path.Combine(baseFolder, text)));
                    }

                    break;
                case "shapes":
                    group = group with { Shapes = RequireArray(item, field, source).Select(s => ParseShape(s, source)).ToArray() };
                    break;
                case "tokens":
                    group = group with { Tokens = RequireArray(item, field, source).Select(t => ParseCount(t, source)).ToArray() };
                    break;
                case "seeds":
                    group = group with { Seeds = RequireArray(item, field, source).Select(s => RequireInt(s, field + "[]", source)).ToArray() };
                    break;
                case "batch":
                    group = group with { Batch = ParseBatch(item, field, source) };
                    break;
                case "lrScan":
                    group = group with { LearningRateScan = ParseScan(item, field, source) };
                    break;
                default:
                    throw new UserInputException($"sweep file '{source}': unknown field \"{field}\" (known: name, description, presets, datasets, shapes, tokens, seeds, batch, lrScan).");
            }
        }

        return group with { Datasets = datasets };
    }

    private static BatchRule ParseBatch(JsonElement value, string field, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new UserInputException($"sweep file '{source}': \"{field}\" must be an object {{\"min\", \"max\", \"minSteps\"}}.");
        }

        int Get(string name) => value.TryGetProperty(name, out var v)
            ? RequireInt(v, field + "." + name, source)
            : throw new UserInputException($"sweep file '{source}': \"{field}\" lacks \"{name}\" (give min, max, minSteps).");
        foreach (var property in value.EnumerateObject())
        {
            if (property.Name is not ("min" or "max" or "minSteps"))
            {
                throw new UserInputException($"sweep file '{source}': unknown field \"{field}.{property.Name}\" (known: min, max, minSteps).");
            }
        }

        return new BatchRule(Get("min"), Get("max"), Get("minSteps"));
    }

    private static LearningRateScan ParseScan(JsonElement value, string field, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new UserInputException($"sweep file '{source}': \"{field}\" must be an object {{\"factors\", \"tokens\"}}.");
        }

        var scan = new LearningRateScan();
        foreach (var property in value.EnumerateObject())
        {
            scan = property.Name switch
            {
                "factors" => scan with { Factors = RequireArray(property.Value, field + ".factors", source).Select(f => RequireNumber(f, field + ".factors[]", source)).ToArray() },
                "tokens" => scan with { Tokens = RequireArray(property.Value, field + ".tokens", source).Select(t => ParseCount(t, source)).ToArray() },
                _ => throw new UserInputException($"sweep file '{source}': unknown field \"{field}.{property.Name}\" (known: factors, tokens)."),
            };
        }

        return scan;
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
