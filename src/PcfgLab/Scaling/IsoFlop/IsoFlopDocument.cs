using System.Text.Json.Nodes;

namespace PcfgLab.Scaling;

/// <summary>IsoFLOP (Approach 1 or 2) fits per dataset as saved by <c>pcfglab isoflop --out</c> (<c>"kind": "isoflop-fit"</c>).</summary>
/// <param name="Version">Tool version.</param>
/// <param name="Approach">1 (lower envelope of training curves) or 2 (IsoFLOP profiles).</param>
/// <param name="Inputs">Input files.</param>
/// <param name="Options">Options as given.</param>
/// <param name="Fits">One fit per dataset ("all" when not grouped).</param>
public sealed record IsoFlopDocument(string Version, int Approach, IReadOnlyList<string> Inputs, IReadOnlyDictionary<string, string> Options, IReadOnlyList<(string Dataset, IsoFlopFit Fit)> Fits)
{
    /// <summary>Value of <c>kind</c>.</summary>
    public const string Kind = "isoflop-fit";

    /// <summary><see cref="ToJson"/> written with the JSON convention: the <c>--json</c> document.</summary>
    public string ToJsonString() => ToJson().ToJsonString(JsonConvention.Node());

    /// <summary>The document as JSON.</summary>
    public JsonObject ToJson()
    {
        var fits = new JsonObject();
        foreach (var (name, fit) in Fits)
        {
            fits[name] = FitToJson(fit);
        }

        var options = new JsonObject();
        foreach (var (key, value) in Options)
        {
            options[key] = value;
        }

        return new JsonObject
        {
            ["tool"] = ToolInfo.Name,
            ["version"] = Version,
            ["kind"] = Kind,
            ["approach"] = Approach,
            ["inputs"] = new JsonArray([.. Inputs.Select(i => (JsonNode?)JsonValue.Create(i))]),
            ["options"] = options,
            ["fits"] = fits,
        };
    }

    /// <summary>Writes <see cref="ToJson"/> atomically.</summary>
    public void Save(string path) => JsonFiles.WriteAtomic(path, ToJson());

    /// <summary>One fit as JSON.</summary>
    public static JsonObject FitToJson(IsoFlopFit fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        JsonObject Law(PowerLawInC p) => new()
        {
            ["coefficient"] = JsonFiles.Number(p.Coefficient),
            ["exponent"] = JsonFiles.Number(p.Exponent),
            ["exponent_std_err"] = JsonFiles.Number(p.ExponentStandardError),
            ["exponent_lower"] = JsonFiles.Number(p.ExponentLower),
            ["exponent_upper"] = JsonFiles.Number(p.ExponentUpper),
            ["coefficient_lower"] = JsonFiles.Number(p.CoefficientLower),
            ["coefficient_upper"] = JsonFiles.Number(p.CoefficientUpper),
        };
        return new JsonObject
        {
            ["method"] = fit.Method.ToString().ToLowerInvariant(),
            ["N_opt"] = Law(fit.Parameters),
            ["D_opt"] = Law(fit.Tokens),
            ["budgets"] = new JsonArray([.. fit.Budgets.Select(b => (JsonNode?)new JsonObject
            {
                ["C"] = b.Flops,
                ["runs"] = b.Runs,
                ["N_opt"] = JsonFiles.Number(b.OptimalParameters),
                ["D_opt"] = JsonFiles.Number(b.OptimalTokens),
                ["loss"] = JsonFiles.Number(b.MinimumLoss),
                ["interior"] = b.Interior,
            })]),
            ["skipped"] = new JsonArray([.. fit.Skipped.Select(s => (JsonNode?)new JsonObject { ["C"] = s.Flops, ["runs"] = s.Runs, ["reason"] = s.Reason })]),
            ["bootstrap"] = new JsonObject { ["resamples"] = fit.Resamples, ["used"] = fit.UsedResamples, ["seed"] = fit.Seed },
        };
    }
}
