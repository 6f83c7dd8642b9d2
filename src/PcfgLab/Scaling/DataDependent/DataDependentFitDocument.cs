using System.Text.Json.Nodes;

namespace PcfgLab.Scaling;

/// <summary>
/// A joint data-dependent fit with its analysis, as saved by <c>pcfglab fit --form data-dependent --out</c>
/// (<c>"kind": "data-dependent-fit"</c>) and printed by <c>--json</c>.
/// </summary>
/// <param name="Version">Tool version.</param>
/// <param name="Inputs">Input files.</param>
/// <param name="Options">Options as given.</param>
/// <param name="Fit">The joint fit.</param>
/// <param name="Analysis">Intervals, frontier band, crossings, identifiability.</param>
public sealed record DataDependentFitDocument(string Version, IReadOnlyList<string> Inputs, IReadOnlyDictionary<string, string> Options, DataDependentFit Fit, DataDependentAnalysis Analysis)
{
    /// <summary>Value of <c>kind</c>.</summary>
    public const string Kind = "data-dependent-fit";

    /// <summary>The document as JSON (NaN as null).</summary>
    public JsonObject ToJson()
    {
        var fit = Fit;
        var law = fit.Law;
        var lines = new JsonObject();
        for (var q = 0; q < 5; q++)
        {
            var line = law.Lines[q];
            var interval = Analysis.Lines[q];
            lines[law.ReportedLineNames[q]] = new JsonObject
            {
                ["slope"] = JsonFiles.Number(line.Slope),
                ["intercept"] = JsonFiles.Number(line.Intercept),
                ["slope_std_err"] = JsonFiles.Number(interval.SlopeStandardError),
                ["slope_lower"] = JsonFiles.Number(interval.SlopeLower),
                ["slope_upper"] = JsonFiles.Number(interval.SlopeUpper),
                ["slope_share_positive"] = JsonFiles.Number(interval.SharePositive),
                ["intercept_lower"] = JsonFiles.Number(interval.InterceptLower),
                ["intercept_upper"] = JsonFiles.Number(interval.InterceptUpper),
            };
        }

        var datasets = new JsonArray();
        foreach (var d in fit.Datasets)
        {
            var item = new JsonObject { ["dataset"] = d.Name, ["H"] = d.Compressibility, ["runs"] = d.Runs };
            if (d.Law is { } l)
            {
                item["two_step_fit"] = new JsonObject { ["E"] = l.E, ["A"] = l.A, ["B"] = l.B, ["alpha"] = l.Alpha, ["beta"] = l.Beta };
            }

            datasets.Add((JsonNode)item);
        }

        JsonObject? twoStep = null;
        if (fit.TwoStep is { } r)
        {
            twoStep = new JsonObject();
            foreach (var name in CompressibilityRegression.ParameterNames)
            {
                var lf = r[name];
                twoStep[name] = new JsonObject { ["slope"] = JsonFiles.Number(lf.Slope), ["intercept"] = JsonFiles.Number(lf.Intercept), ["r_squared"] = JsonFiles.Number(lf.RSquared), ["p_value"] = JsonFiles.Number(lf.PValue) };
            }
        }

        var band = new JsonArray();
        foreach (var p in Analysis.Band)
        {
            band.Add((JsonNode)new JsonObject
            {
                ["H"] = p.H,
                ["a"] = JsonFiles.Number(p.AllocationExponent),
                ["a_lower"] = JsonFiles.Number(p.AllocationLower),
                ["a_upper"] = JsonFiles.Number(p.AllocationUpper),
                ["tokens_per_parameter"] = JsonFiles.Number(p.TokensPerParameter),
                ["tokens_per_parameter_lower"] = JsonFiles.Number(p.TokensLower),
                ["tokens_per_parameter_upper"] = JsonFiles.Number(p.TokensUpper),
                ["resamples_with_frontier"] = p.ResamplesWithFrontier,
            });
        }

        JsonObject Crossing(CrossingEstimate c) => new()
        {
            ["what"] = c.What,
            ["reference_value"] = JsonFiles.Number(c.ReferenceValue),
            ["H"] = JsonFiles.Number(c.Estimate),
            ["lower"] = JsonFiles.Number(c.Lower),
            ["upper"] = JsonFiles.Number(c.Upper),
            ["resamples_crossing"] = c.ResamplesCrossing,
        };

        var correlation = new JsonArray();
        var p2 = Analysis.ParameterNames.Count;
        for (var i = 0; i < p2 && Analysis.Correlation.Length > 0; i++)
        {
            correlation.Add((JsonNode)new JsonArray([.. Enumerable.Range(0, p2).Select(j => JsonFiles.Number(Analysis.Correlation[(i * p2) + j]))]));
        }

        var options = new JsonObject();
        foreach (var (key, value) in Options)
        {
            options[key] = value;
        }

        var reference = Analysis.Reference;
        return new JsonObject
        {
            ["tool"] = ToolInfo.Name,
            ["version"] = Version,
            ["kind"] = Kind,
            ["form"] = "data-dependent",
            ["inputs"] = new JsonArray([.. Inputs.Select(i => (JsonNode?)JsonValue.Create(i))]),
            ["options"] = options,
            ["log_linear_coefficients"] = law.LogLinearCoefficients,
            ["lines"] = lines,
            ["H_low"] = fit.HLow,
            ["H_high"] = fit.HHigh,
            ["objective"] = JsonFiles.Number(fit.Objective),
            ["converged"] = fit.Converged,
            ["gradient_norm"] = JsonFiles.Number(fit.GradientNorm),
            ["runs"] = fit.Runs,
            ["starts"] = fit.Starts,
            ["converged_starts"] = fit.ConvergedStarts,
            ["best_start"] = fit.BestStart,
            ["best_start_kind"] = fit.BestStartKind,
            ["rmse"] = JsonFiles.Number(fit.Rmse),
            ["mean_relative_error"] = JsonFiles.Number(fit.MeanRelativeError),
            ["datasets"] = datasets,
            ["two_step"] = twoStep,
            ["bootstrap"] = new JsonObject
            {
                ["resamples"] = Analysis.Resamples,
                ["converged"] = Analysis.ConvergedResamples,
                ["starts_per_resample"] = Analysis.StartsPerResample,
                ["seed"] = Analysis.Seed,
                ["resampled_datasets"] = Analysis.ResampledDatasets,
                ["parameters"] = new JsonArray([.. Analysis.ParameterNames.Select(n => (JsonNode?)JsonValue.Create(n))]),
                ["correlation"] = correlation,
                ["warnings"] = new JsonArray([.. Analysis.Warnings.Select(w => (JsonNode?)JsonValue.Create(w.Message))]),
            },
            ["reference"] = new JsonObject { ["E"] = reference.E, ["A"] = reference.A, ["B"] = reference.B, ["alpha"] = reference.Alpha, ["beta"] = reference.Beta },
            ["flops"] = Analysis.Flops,
            ["frontier_band"] = band,
            ["allocation_crossing"] = Crossing(Analysis.AllocationCrossing),
            ["tokens_crossing"] = Crossing(Analysis.TokensCrossing),
        };
    }

    /// <summary>Writes <see cref="ToJson"/> atomically (temporary file, then rename).</summary>
    public void Save(string path) => JsonFiles.WriteAtomic(path, ToJson());

    /// <summary>
    /// Rows comparing the joint fit's slopes with the two-step regression's: the joint slope with its 95% interval,
    /// the two-step slope with its p-value, and whether the two-step slope lies outside the joint interval.
    /// </summary>
    public IReadOnlyList<SlopeComparison> CompareWithTwoStep()
    {
        if (Fit.TwoStep is not { } r)
        {
            return [];
        }

        var rows = new List<SlopeComparison>(5);
        for (var q = 0; q < 5; q++)
        {
            var name = CompressibilityRegression.ParameterNames[q];
            var joint = Analysis.Lines[q];
            var comparable = !Fit.Law.LogLinearCoefficients || q is 0 or 3 or 4;
            var two = r[name];
            var outside = comparable && double.IsFinite(joint.SlopeLower) && (two.Slope < joint.SlopeLower || two.Slope > joint.SlopeUpper);
            rows.Add(new SlopeComparison(joint.Name, joint.Slope, joint.SlopeLower, joint.SlopeUpper, comparable ? two.Slope : double.NaN, two.PValue, outside));
        }

        return rows;
    }
}

/// <summary>A joint slope beside the two-step one.</summary>
/// <param name="Name">Parameter.</param>
/// <param name="JointSlope">Joint fit's slope.</param>
/// <param name="JointLower">2.5th bootstrap percentile.</param>
/// <param name="JointUpper">97.5th bootstrap percentile.</param>
/// <param name="TwoStepSlope">Two-step regression's slope (NaN where the joint line is in log A or log B and the two-step in A or B).</param>
/// <param name="TwoStepPValue">Two-step p-value of the slope.</param>
/// <param name="Disagree">The two-step slope lies outside the joint 95% interval.</param>
public sealed record SlopeComparison(string Name, double JointSlope, double JointLower, double JointUpper, double TwoStepSlope, double TwoStepPValue, bool Disagree);
