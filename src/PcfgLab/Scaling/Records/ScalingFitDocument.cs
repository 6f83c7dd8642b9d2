using System.Text.Json;
using System.Text.Json.Nodes;

namespace PcfgLab.Scaling;

/// <summary>The functional form fitted.</summary>
public enum ScalingForm
{
    /// <summary>L(N, D) = E + A/N^alpha + B/D^beta.</summary>
    Chinchilla,

    /// <summary>L(X) = E + B/X^beta, X = D (or N).</summary>
    Data,

    /// <summary>Rosenfeld et al. 2020 with the envelope toward eps0.</summary>
    Rosenfeld,
}

/// <summary>One dataset's fit: exactly one of the form results is set, plus optional bootstrap and held-out check.</summary>
/// <param name="Dataset">Dataset name ("all" when runs are not grouped).</param>
/// <param name="Compressibility">Median of the runs' H, when the input has it.</param>
/// <param name="Chinchilla">The Chinchilla fit.</param>
/// <param name="LearningCurve">The learning-curve fit.</param>
/// <param name="Rosenfeld">The Rosenfeld fit.</param>
/// <param name="Bootstrap">Bootstrap intervals (Chinchilla only).</param>
/// <param name="Holdout">Held-out check (Chinchilla only).</param>
/// <param name="Constraints">The constraints of a constrained Chinchilla fit (<see cref="FitRequest.Constraints"/>), or null.</param>
/// <param name="Identification">The bootstrap correlation matrix and warnings of a constrained fit (<see cref="FitRequest.Identify"/>), or null.</param>
public sealed record DatasetFitResult(
    string Dataset,
    double? Compressibility,
    ChinchillaFit? Chinchilla = null,
    LearningCurveFit? LearningCurve = null,
    RosenfeldFit? Rosenfeld = null,
    BootstrapResult? Bootstrap = null,
    HoldoutResult? Holdout = null,
    ChinchillaConstraints? Constraints = null,
    Identifiability? Identification = null)
{
    /// <summary>The predicted loss at N, D.</summary>
    public double Loss(double parameters, double tokens) =>
        Chinchilla is not null ? Chinchilla.Parameters.Loss(parameters, tokens)
        : Rosenfeld is not null ? Rosenfeld.Parameters.Loss(parameters, tokens)
        : LearningCurve!.Parameters.Loss(LearningCurve.Parameters.Variable == ScalingVariable.Tokens ? tokens : parameters);
}

/// <summary>
/// A saved fit (<c>pcfglab fit --out</c>): tool version, inputs, options, seed and one fit per dataset. The
/// machine-readable stdout form (<see cref="ToOutputJson"/>) is one fit object with top-level <c>E</c>, <c>A</c>,
/// <c>B</c>, <c>alpha</c>, <c>beta</c>, <c>objective</c>, or with grouping one such object per dataset keyed by name.
/// </summary>
/// <param name="Version">Tool version that made it.</param>
/// <param name="Form">The form fitted.</param>
/// <param name="Inputs">Input files.</param>
/// <param name="Options">Every option with its effective value (as typed when given, the default otherwise).</param>
/// <param name="Seed">Bootstrap seed.</param>
/// <param name="GroupedBy">Column the runs were grouped by, or null.</param>
/// <param name="Fits">The fits.</param>
public sealed record ScalingFitDocument(
    string Version,
    ScalingForm Form,
    IReadOnlyList<string> Inputs,
    IReadOnlyDictionary<string, string> Options,
    ulong Seed,
    string? GroupedBy,
    IReadOnlyList<DatasetFitResult> Fits)
{
    /// <summary>Value of <c>kind</c> in saved fits.</summary>
    public const string Kind = "scaling-fit";

    /// <summary>How the runs were read from the input (null in fits saved before it was recorded, or not read from a file).</summary>
    public RunColumnMap? Columns { get; init; }

    /// <summary>How many of the worst runs (per dataset when grouped) were dropped before fitting.</summary>
    public int DropWorst { get; init; }

    /// <summary>The stdout JSON: one fit object, or with grouping an object of fits keyed by dataset.</summary>
    public JsonNode ToOutputJson()
    {
        if (GroupedBy is null && Fits.Count == 1)
        {
            return FitToJson(Fits[0]);
        }

        var map = new JsonObject();
        foreach (var fit in Fits)
        {
            map[fit.Dataset] = FitToJson(fit);
        }

        return map;
    }

    /// <summary>The saved form, with provenance.</summary>
    public JsonObject ToJson()
    {
        var options = new JsonObject();
        foreach (var (key, value) in Options)
        {
            options[key] = value;
        }

        var fits = new JsonObject();
        foreach (var fit in Fits)
        {
            fits[fit.Dataset] = FitToJson(fit);
        }

        return new JsonObject
        {
            ["tool"] = ToolInfo.Name,
            ["version"] = Version,
            ["kind"] = Kind,
            ["form"] = FormName(Form),
            ["inputs"] = new JsonArray([.. Inputs.Select(i => (JsonNode?)JsonValue.Create(i))]),
            ["options"] = options,
            ["seed"] = Seed,
            ["by"] = GroupedBy,
            ["columns"] = Columns is { } c ? ColumnsToJson(c) : null,
            ["dropWorst"] = DropWorst,
            ["fits"] = fits,
        };
    }

    private static JsonObject ColumnsToJson(RunColumnMap c) => new()
    {
        ["dataset"] = c.Dataset,
        ["parameters"] = c.Parameters,
        ["tokens"] = c.Tokens,
        ["flops"] = c.Flops,
        ["loss"] = c.Loss,
        ["compressibility"] = c.Compressibility,
        ["finalLoss"] = c.FinalLoss.ToString(),
        ["trainTailCount"] = c.TrainTailCount,
        ["dropExactDuplicates"] = c.DropExactDuplicates,
    };

    private static RunColumnMap? ColumnsFromJson(JsonNode? node, string path)
    {
        if (node is not JsonObject c)
        {
            return null;
        }

        try
        {
            return new RunColumnMap
            {
                Dataset = c["dataset"]?.GetValue<string>(),
                Parameters = c["parameters"]?.GetValue<string>(),
                Tokens = c["tokens"]?.GetValue<string>(),
                Flops = c["flops"]?.GetValue<string>(),
                Loss = c["loss"]?.GetValue<string>(),
                Compressibility = c["compressibility"]?.GetValue<string>(),
                FinalLoss = Enum.TryParse<FinalLossChoice>(c["finalLoss"]?.GetValue<string>(), out var choice) ? choice : FinalLossChoice.Auto,
                TrainTailCount = c["trainTailCount"]?.GetValue<int>() ?? 10,
                DropExactDuplicates = c["dropExactDuplicates"]?.GetValue<bool>() ?? false,
            };
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            throw new UserInputException($"'{path}' has a damaged 'columns' block ({ex.Message}); refit with 'pcfglab fit --out'", ex);
        }
    }

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public void Save(string path) => JsonFiles.WriteAtomic(path, ToJson());

    /// <summary>Reads a saved fit, or the stdout form of <c>fit --json</c> (single or keyed by dataset).</summary>
    /// <exception cref="UserInputException">Not a fit file.</exception>
    public static ScalingFitDocument Load(string path)
    {
        var root = JsonFiles.Read(path);
        if (root is not JsonObject obj)
        {
            throw new UserInputException($"'{path}' is not a pcfglab fit (expected a JSON object)");
        }

        if (obj["kind"]?.GetValue<string>() is { } kind && kind != Kind)
        {
            throw new UserInputException($"'{path}' is a '{kind}' file, not a fit; pass the output of 'pcfglab fit --out'");
        }

        if (obj["fits"] is JsonObject fits)
        {
            var form = ParseForm(obj["form"]?.GetValue<string>() ?? "chinchilla", path);
            var options = new Dictionary<string, string>(StringComparer.Ordinal);
            if (obj["options"] is JsonObject o)
            {
                foreach (var (key, value) in o)
                {
                    options[key] = value is JsonValue v && v.TryGetValue<string>(out var text) ? text : value?.ToJsonString() ?? "null";
                }
            }

            var inputs = obj["inputs"] is JsonArray arr ? arr.Select(x => x?.GetValue<string>() ?? string.Empty).ToList() : [];
            return new ScalingFitDocument(
                obj["version"]?.GetValue<string>() ?? "unknown",
                form,
                inputs,
                options,
                obj["seed"]?.GetValue<ulong>() ?? 0,
                obj["by"]?.GetValue<string>(),
                [.. fits.Select(kv => FitFromJson(kv.Key, kv.Value as JsonObject, form, path))])
            {
                Columns = ColumnsFromJson(obj["columns"], path),
                DropWorst = obj["dropWorst"] is JsonValue drop && drop.TryGetValue<int>(out var d) ? d : 0,
            };
        }

        if (obj.ContainsKey("objective"))
        {
            var form = obj.ContainsKey("A") ? ScalingForm.Chinchilla : obj.ContainsKey("c_inf") ? ScalingForm.Rosenfeld : ScalingForm.Data;
            return new ScalingFitDocument("unknown", form, [], new Dictionary<string, string>(), 0, null, [FitFromJson("all", obj, form, path)]);
        }

        var list = obj.Select(kv => kv.Value is JsonObject f && f.ContainsKey("objective")
            ? FitFromJson(kv.Key, f, f.ContainsKey("A") ? ScalingForm.Chinchilla : f.ContainsKey("c_inf") ? ScalingForm.Rosenfeld : ScalingForm.Data, path)
            : throw new UserInputException($"'{path}' is not a pcfglab fit: '{kv.Key}' is not a fit object")).ToList();
        if (list.Count == 0)
        {
            throw new UserInputException($"'{path}' holds no fit");
        }

        var first = list[0].Chinchilla is not null ? ScalingForm.Chinchilla : list[0].Rosenfeld is not null ? ScalingForm.Rosenfeld : ScalingForm.Data;
        return new ScalingFitDocument("unknown", first, [], new Dictionary<string, string>(), 0, "dataset", list);
    }

    /// <summary>The command-line name of a form.</summary>
    public static string FormName(ScalingForm form) => form switch
    {
        ScalingForm.Chinchilla => "chinchilla",
        ScalingForm.Data => "data",
        _ => "rosenfeld",
    };

    private static ScalingForm ParseForm(string name, string path) => name switch
    {
        "chinchilla" => ScalingForm.Chinchilla,
        "data" => ScalingForm.Data,
        "rosenfeld" => ScalingForm.Rosenfeld,
        _ => throw new UserInputException($"'{path}': unknown form '{name}'"),
    };

    internal static JsonObject FitToJson(DatasetFitResult fit)
    {
        var json = new JsonObject { ["dataset"] = fit.Dataset, ["H"] = JsonFiles.Number(fit.Compressibility) };
        if (fit.Chinchilla is { } c)
        {
            AddChinchilla(json, c);
            var frontier = new ComputeOptimalFrontier(c.Parameters);
            json["frontier"] = new JsonObject
            {
                ["G"] = JsonFiles.Number(frontier.G),
                ["a"] = JsonFiles.Number(frontier.ParameterExponent),
                ["b"] = JsonFiles.Number(frontier.TokenExponent),
            };
        }
        else if (fit.LearningCurve is { } l)
        {
            json["E"] = JsonFiles.Number(l.Parameters.E);
            json["B"] = JsonFiles.Number(l.Parameters.B);
            json["beta"] = JsonFiles.Number(l.Parameters.Beta);
            json["variable"] = l.Parameters.Variable == ScalingVariable.Tokens ? "D" : "N";
            AddQuality(json, l.Objective, l.Converged, l.GradientNorm, l.Runs, l.Starts, l.Rmse, l.MeanRelativeError);
        }
        else if (fit.Rosenfeld is { } r)
        {
            var p = r.Parameters;
            json["a"] = JsonFiles.Number(p.A);
            json["alpha"] = JsonFiles.Number(p.Alpha);
            json["b"] = JsonFiles.Number(p.B);
            json["beta"] = JsonFiles.Number(p.Beta);
            json["c_inf"] = JsonFiles.Number(p.CInfinity);
            json["eta_re"] = JsonFiles.Number(p.EtaReal);
            json["eta_im"] = JsonFiles.Number(p.EtaImaginary);
            json["eps0"] = JsonFiles.Number(p.Eps0);
            AddQuality(json, r.Objective, r.Converged, r.GradientNorm, r.Runs, r.Starts, r.Rmse, r.MeanRelativeError);
        }

        if (fit.Bootstrap is { } b)
        {
            var intervals = new JsonObject();
            foreach (var interval in b.Intervals)
            {
                intervals[interval.Name] = new JsonObject
                {
                    ["estimate"] = JsonFiles.Number(interval.Estimate),
                    ["se"] = JsonFiles.Number(interval.StandardError),
                    ["p2_5"] = JsonFiles.Number(interval.Lower),
                    ["p97_5"] = JsonFiles.Number(interval.Upper),
                };
            }

            json["bootstrap"] = new JsonObject
            {
                ["resamples"] = b.Resamples,
                ["converged_resamples"] = b.ConvergedResamples,
                ["starts_per_resample"] = b.StartsPerResample,
                ["seed"] = b.Seed,
                ["note"] = "each resample is fitted from the full-data optimum and 8 neighbours, not the full grid",
                ["intervals"] = intervals,
            };
        }

        if (fit.Holdout is { } h)
        {
            var inner = new JsonObject();
            AddChinchilla(inner, h.Fit);
            json["holdout"] = new JsonObject
            {
                ["cut"] = h.Cut == HoldoutCut.Flops ? "flops" : "n",
                ["threshold"] = JsonFiles.Number(h.Threshold),
                ["train_runs"] = h.Fit.Runs,
                ["test_runs"] = h.HeldOut.Runs,
                ["test_rmse"] = JsonFiles.Number(h.HeldOut.Rmse),
                ["test_mean_relative_error"] = JsonFiles.Number(h.HeldOut.MeanRelativeError),
                ["fit"] = inner,
            };
        }

        return json;
    }

    private static void AddChinchilla(JsonObject json, ChinchillaFit c)
    {
        json["E"] = JsonFiles.Number(c.Parameters.E);
        json["A"] = JsonFiles.Number(c.Parameters.A);
        json["B"] = JsonFiles.Number(c.Parameters.B);
        json["alpha"] = JsonFiles.Number(c.Parameters.Alpha);
        json["beta"] = JsonFiles.Number(c.Parameters.Beta);
        AddQuality(json, c.Objective, c.Converged, c.GradientNorm, c.Runs, c.Starts, c.Rmse, c.MeanRelativeError);
        json["converged_starts"] = c.ConvergedStarts;
        json["best_start"] = c.BestStart;
    }

    private static void AddQuality(JsonObject json, double objective, bool converged, double gradientNorm, int runs, int starts, double rmse, double mre)
    {
        json["objective"] = JsonFiles.Number(objective);
        json["converged"] = converged;
        json["gradient_norm"] = JsonFiles.Number(gradientNorm);
        json["runs"] = runs;
        json["starts"] = starts;
        json["rmse"] = JsonFiles.Number(rmse);
        json["mean_relative_error"] = JsonFiles.Number(mre);
    }

    private static DatasetFitResult FitFromJson(string name, JsonObject? json, ScalingForm form, string path)
    {
        if (json is null)
        {
            throw new UserInputException($"'{path}': fit '{name}' is not an object");
        }

        double Get(string key) => json[key] is JsonValue v && v.TryGetValue<double>(out var d)
            ? d
            : throw new UserInputException($"'{path}': fit '{name}' has no number '{key}'");
        double Or(string key, double fallback) => json[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : fallback;
        int Count(string key) => json[key] is JsonValue v && v.TryGetValue<int>(out var i) ? i : 0;
        bool Converged() => json["converged"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
        double? h = json["H"] is JsonValue hv && hv.TryGetValue<double>(out var hd) ? hd : null;
        var dataset = json["dataset"]?.GetValue<string>() ?? name;
        switch (form)
        {
            case ScalingForm.Chinchilla:
                var p = new ChinchillaParameters(Get("E"), Get("A"), Get("B"), Get("alpha"), Get("beta"));
                var fit = new ChinchillaFit(p, Get("objective"), Converged(), Or("gradient_norm", double.NaN), Count("runs"), Count("starts"), Count("converged_starts"), Count("best_start"), Or("rmse", double.NaN), Or("mean_relative_error", double.NaN));
                return new DatasetFitResult(dataset, h, Chinchilla: fit);
            case ScalingForm.Data:
                var variable = json["variable"]?.GetValue<string>() == "N" ? ScalingVariable.Parameters : ScalingVariable.Tokens;
                var lp = new LearningCurveParameters(Get("E"), Get("B"), Get("beta"), variable);
                return new DatasetFitResult(dataset, h, LearningCurve: new LearningCurveFit(lp, Get("objective"), Converged(), Or("gradient_norm", double.NaN), Count("runs"), Count("starts"), Or("rmse", double.NaN), Or("mean_relative_error", double.NaN)));
            default:
                var rp = new RosenfeldParameters(Get("a"), Get("alpha"), Get("b"), Get("beta"), Get("c_inf"), Get("eta_re"), Get("eta_im"), Get("eps0"));
                return new DatasetFitResult(dataset, h, Rosenfeld: new RosenfeldFit(rp, Get("objective"), Converged(), Or("gradient_norm", double.NaN), Count("runs"), Count("starts"), Or("rmse", double.NaN), Or("mean_relative_error", double.NaN)));
        }
    }
}

/// <summary>JSON file helpers: atomic writes, one-line errors on bad files, NaN as null.</summary>
internal static class JsonFiles
{
    public static JsonNode? Number(double? value) =>
        value is { } v && double.IsFinite(v) ? JsonValue.Create(v) : null;

    public static string Format(JsonNode node, bool indented = true) => node.ToJsonString(indented ? JsonConvention.Node() : null);

    public static void WriteAtomic(string path, JsonNode node) =>
        AtomicFile.WriteAllText(path, Format(node) + "\n");

    public static JsonNode? Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new UserInputException($"'{path}' does not exist");
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new UserInputException($"'{path}' is not valid JSON ({ex.Message.ReplaceLineEndings(" ")})", ex);
        }
    }
}
