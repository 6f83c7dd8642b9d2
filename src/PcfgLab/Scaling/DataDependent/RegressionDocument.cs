using System.Text.Json.Nodes;

namespace PcfgLab.Scaling;

/// <summary>
/// A saved regression on compressibility (<c>pcfglab regress --out</c>): the per-parameter lines, the points, the
/// reference law and blend weight, and the crossings; <c>pcfglab predict</c> rebuilds the <see cref="DataDependentLaw"/>.
/// </summary>
/// <param name="Version">Tool version.</param>
/// <param name="Inputs">The fit files regressed.</param>
/// <param name="Law">The data-dependent law (regression, reference, epsilon).</param>
/// <param name="CrossingRange">The H range searched for crossings.</param>
/// <param name="CrossingFlops">Compute C at which tokens-per-parameter crossings are reported, or null.</param>
public sealed record RegressionDocument(string Version, IReadOnlyList<string> Inputs, DataDependentLaw Law, (double Low, double High) CrossingRange, double? CrossingFlops)
{
    /// <summary>Value of <c>kind</c> in saved regressions.</summary>
    public const string Kind = "compressibility-regression";

    /// <summary><see cref="ToJson"/> written with the JSON convention: the <c>--json</c> document.</summary>
    public string ToJsonString() => ToJson().ToJsonString(JsonConvention.Node());

    /// <summary>The JSON form.</summary>
    public JsonObject ToJson()
    {
        var regression = Law.Regression;
        var parameters = new JsonObject();
        foreach (var name in CompressibilityRegression.ParameterNames)
        {
            var line = regression[name];
            parameters[name] = new JsonObject
            {
                ["slope"] = JsonFiles.Number(line.Slope),
                ["intercept"] = JsonFiles.Number(line.Intercept),
                ["r2"] = JsonFiles.Number(line.RSquared),
                ["p_value"] = JsonFiles.Number(line.PValue),
                ["points"] = line.Points,
            };
        }

        var datasets = new JsonArray();
        foreach (var d in regression.Datasets)
        {
            // The JsonNode overload: Add<T> would go through reflection, which a Native AOT binary does not have.
            datasets.Add((JsonNode)new JsonObject
            {
                ["dataset"] = d.Dataset,
                ["H"] = JsonFiles.Number(d.Compressibility),
                ["E"] = JsonFiles.Number(d.Law.E),
                ["A"] = JsonFiles.Number(d.Law.A),
                ["B"] = JsonFiles.Number(d.Law.B),
                ["alpha"] = JsonFiles.Number(d.Law.Alpha),
                ["beta"] = JsonFiles.Number(d.Law.Beta),
            });
        }

        var json = new JsonObject
        {
            ["tool"] = ToolInfo.Name,
            ["version"] = Version,
            ["kind"] = Kind,
            ["inputs"] = new JsonArray([.. Inputs.Select(i => (JsonNode?)JsonValue.Create(i))]),
            ["reference"] = LawToJson(Law.Reference),
            ["epsilon"] = JsonFiles.Number(Law.Epsilon),
            ["parameters"] = parameters,
            ["datasets"] = datasets,
            ["crossing_range"] = new JsonArray(JsonFiles.Number(CrossingRange.Low), JsonFiles.Number(CrossingRange.High)),
            ["allocation_exponent_crossings"] = new JsonArray([.. Law.AllocationExponentCrossings(CrossingRange.Low, CrossingRange.High).Select(h => JsonFiles.Number(h))]),
        };
        if (CrossingFlops is { } c)
        {
            json["tokens_per_parameter_crossings"] = new JsonObject
            {
                ["flops"] = JsonFiles.Number(c),
                ["H"] = new JsonArray([.. Law.TokensPerParameterCrossings(c, CrossingRange.Low, CrossingRange.High).Select(h => JsonFiles.Number(h))]),
            };
        }

        return json;
    }

    /// <summary>Writes the JSON form atomically.</summary>
    public void Save(string path) => JsonFiles.WriteAtomic(path, ToJson());

    /// <summary>True when the JSON is a saved regression.</summary>
    public static bool IsRegression(JsonNode? node) => node is JsonObject o && o["kind"] is JsonValue v && v.TryGetValue<string>(out var k) && k == Kind;

    /// <summary>Reads a saved regression.</summary>
    public static RegressionDocument Load(string path) => FromJson(JsonFiles.Read(path), path);

    /// <summary>Rebuilds a saved regression from its JSON.</summary>
    public static RegressionDocument FromJson(JsonNode? node, string path)
    {
        if (!IsRegression(node))
        {
            throw new UserInputException($"'{path}' is not a saved regression; pass the output of 'pcfglab regress --out'");
        }

        var obj = (JsonObject)node!;
        var parameters = obj["parameters"] as JsonObject ?? throw new UserInputException($"'{path}' has no 'parameters'");
        LinearFit Line(string name)
        {
            var p = parameters[name] as JsonObject ?? throw new UserInputException($"'{path}' has no regression for '{name}'");
            return new LinearFit(Num(p, "slope", path), Num(p, "intercept", path), NumOr(p, "r2"), NumOr(p, "p_value"), p["points"]?.GetValue<int>() ?? 0);
        }

        var datasets = new List<DatasetLaw>();
        if (obj["datasets"] is JsonArray array)
        {
            foreach (var item in array.OfType<JsonObject>())
            {
                datasets.Add(new DatasetLaw(item["dataset"]?.GetValue<string>() ?? string.Empty, NumOr(item, "H"), LawFromJson(item, path)));
            }
        }

        var regression = new CompressibilityRegression(Line("E"), Line("A"), Line("B"), Line("alpha"), Line("beta"), datasets);
        var reference = obj["reference"] is JsonObject r ? LawFromJson(r, path) : ChinchillaParameters.Hoffmann2022;
        var epsilon = obj["epsilon"] is JsonValue e && e.TryGetValue<double>(out var eps) ? eps : 1;
        var range = obj["crossing_range"] is JsonArray cr && cr.Count == 2 ? (cr[0]!.GetValue<double>(), cr[1]!.GetValue<double>()) : (0.0, 1.0);
        double? flops = obj["tokens_per_parameter_crossings"] is JsonObject t ? NumOr(t, "flops") : null;
        var inputs = obj["inputs"] is JsonArray ins ? ins.Select(x => x?.GetValue<string>() ?? string.Empty).ToList() : [];
        return new RegressionDocument(obj["version"]?.GetValue<string>() ?? "unknown", inputs, new DataDependentLaw(regression, reference, epsilon), range, flops);
    }

    internal static JsonObject LawToJson(ChinchillaParameters p) => new()
    {
        ["E"] = JsonFiles.Number(p.E),
        ["A"] = JsonFiles.Number(p.A),
        ["B"] = JsonFiles.Number(p.B),
        ["alpha"] = JsonFiles.Number(p.Alpha),
        ["beta"] = JsonFiles.Number(p.Beta),
    };

    private static ChinchillaParameters LawFromJson(JsonObject o, string path) =>
        new(Num(o, "E", path), Num(o, "A", path), Num(o, "B", path), Num(o, "alpha", path), Num(o, "beta", path));

    private static double Num(JsonObject o, string key, string path) =>
        o[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : throw new UserInputException($"'{path}': missing number '{key}'");

    private static double NumOr(JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : double.NaN;
}
