using System.Text.Json.Nodes;
using PcfgLab.Scaling;

namespace PcfgLab.Analysis;

/// <summary>What <see cref="Fits.Regress"/> regresses: a saved per-dataset fit and the regression's settings.</summary>
public sealed record RegressionRequest
{
    /// <summary>The saved per-dataset Chinchilla fit (<c>fit --out</c>, or its <c>--json</c> output).</summary>
    public required string Fit { get; init; }

    /// <summary>Compressibility H by dataset name, overriding the H saved with the fit.</summary>
    public IReadOnlyDictionary<string, double?> Compressibility { get; init; } = new Dictionary<string, double?>();

    /// <summary>The reference law for crossings and blending.</summary>
    public ChinchillaParameters Reference { get; init; } = ChinchillaParameters.Hoffmann2022;

    /// <summary>Blend weight: x = (1 - eps) x_ref + eps x(H) (1: no blending).</summary>
    public double Epsilon { get; init; } = 1;

    /// <summary>Range of H searched for crossings.</summary>
    public (double Low, double High) HRange { get; init; } = (0, 1);

    /// <summary>Compute C at which the tokens-per-parameter crossing is reported, or null.</summary>
    public double? AtFlops { get; init; }
}

/// <summary>What <see cref="Fits.PredictAsync"/> predicts from a saved fit or regression.</summary>
public sealed record PredictionRequest
{
    /// <summary>The saved fit or regression.</summary>
    public required string Law { get; init; }

    /// <summary>Which dataset's fit, when the file holds several.</summary>
    public string? Dataset { get; init; }

    /// <summary>Compressibility H (needed with a regression).</summary>
    public double? Compressibility { get; init; }

    /// <summary>Parameters N of a loss prediction (with <see cref="Tokens"/>).</summary>
    public double? Parameters { get; init; }

    /// <summary>Training tokens D of a loss prediction (with <see cref="Parameters"/>).</summary>
    public double? Tokens { get; init; }

    /// <summary>Compute budget C of a compute-optimal allocation.</summary>
    public double? Flops { get; init; }

    /// <summary>Residual-bootstrap resamples of the intervals at N, D (0 for none); they read the runs the saved fit recorded.</summary>
    public int IntervalResamples { get; init; }

    /// <summary>Seed of the interval bootstrap.</summary>
    public ulong IntervalSeed { get; init; }
}

/// <summary>The compute-optimal allocation of a budget.</summary>
/// <param name="Flops">The budget C.</param>
/// <param name="Parameters">N_opt.</param>
/// <param name="Tokens">D_opt.</param>
/// <param name="TokensPerParameter">D_opt / N_opt.</param>
/// <param name="Loss">The loss at the optimum.</param>
public sealed record ComputeAllocation(double Flops, double Parameters, double Tokens, double TokensPerParameter, double Loss);

/// <summary>The result of <see cref="Fits.PredictAsync"/>; its JSON is <c>predict --json</c>.</summary>
/// <param name="Source">What the law came from, in words.</param>
/// <param name="Law">The Chinchilla law, when the source has one.</param>
/// <param name="Parameters">N of the loss prediction.</param>
/// <param name="Tokens">D of the loss prediction.</param>
/// <param name="Loss">The predicted loss at N, D (NaN where the law gives none).</param>
/// <param name="Allocation">The compute-optimal allocation, when a budget was given.</param>
/// <param name="Interval">The intervals at N, D, when asked for.</param>
/// <param name="IntervalResamples">Resamples of the intervals.</param>
public sealed record Prediction(string Source, ChinchillaParameters? Law, double? Parameters, double? Tokens, double Loss, ComputeAllocation? Allocation, LossInterval? Interval, int IntervalResamples)
{
    /// <summary>The <c>predict --json</c> document (non-finite numbers as null).</summary>
    public JsonObject ToJson()
    {
        static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;
        var result = new JsonObject { ["source"] = Source };
        if (Law is { } law)
        {
            result["law"] = new JsonObject { ["E"] = law.E, ["A"] = law.A, ["B"] = law.B, ["alpha"] = law.Alpha, ["beta"] = law.Beta };
        }

        if (Parameters is { } n && Tokens is { } d)
        {
            result["N"] = n;
            result["D"] = d;
            result["loss"] = Number(Loss);
        }

        if (Allocation is { } a)
        {
            result["flops"] = a.Flops;
            result["N_opt"] = Number(a.Parameters);
            result["D_opt"] = Number(a.Tokens);
            result["tokens_per_parameter"] = Number(a.TokensPerParameter);
            result["loss_at_optimum"] = Number(a.Loss);
        }

        if (Interval is { } i)
        {
            result["confidence_interval"] = new JsonArray(i.ConfidenceLower, i.ConfidenceUpper);
            result["prediction_interval"] = new JsonArray(i.PredictionLower, i.PredictionUpper);
            result["interval_resamples"] = IntervalResamples;
        }

        return result;
    }

    /// <summary><see cref="ToJson"/> written with the JSON convention.</summary>
    public string ToJsonString() => ToJson().ToJsonString(JsonConvention.Node());
}
