using System.CommandLine;
using System.Text.Json.Nodes;
using PcfgLab.Scaling;

namespace PcfgLab.Cli.Commands;

/// <summary><c>predict --intervals K</c>: residual-bootstrap confidence and prediction intervals, kept apart from <see cref="PredictCommand"/>.</summary>
internal sealed class PredictIntervalOptions
{
    private readonly Option<int> _intervals = new("--intervals") { Description = "Residual-bootstrap resamples for a 95% confidence interval of the curve and a 95% prediction interval of a new run at --n, --d (reads the runs the saved fit recorded; 0 for none).", DefaultValueFactory = _ => 0 };
    private readonly Option<ulong> _seed = new("--seed", "-s") { Description = "Seed of the interval bootstrap.", DefaultValueFactory = _ => 0UL };

    public static PredictIntervalOptions Create() => new();

    public void AddTo(Command command)
    {
        command.Options.Add(_intervals);
        command.Options.Add(_seed);
    }

    /// <summary>Computes the intervals when asked, adding them to <paramref name="result"/>; null when not asked.</summary>
    public async Task<LossInterval?> RunAsync(CliContext context, ParseResult parse, string path, string? dataset, ChinchillaParameters? law, double? n, double? d, JsonObject result, CancellationToken cancellationToken)
    {
        var resamples = parse.GetValue(_intervals);
        if (resamples == 0)
        {
            return null;
        }

        if (law is null || n is null || d is null)
        {
            throw new UserInputException("--intervals needs a Chinchilla fit and --n and --d");
        }

        var runs = await SavedFitRuns.LoadAsync(path, dataset, context.CreateLogger("predict"), cancellationToken).ConfigureAwait(false);
        var interval = PredictionIntervals.Run(runs, law, [(n.Value, d.Value)], new PredictionIntervalOptions { Resamples = resamples, Seed = parse.GetValue(_seed) }, cancellationToken)[0];
        result["confidence_interval"] = new JsonArray(interval.ConfidenceLower, interval.ConfidenceUpper);
        result["prediction_interval"] = new JsonArray(interval.PredictionLower, interval.PredictionUpper);
        result["interval_resamples"] = resamples;
        return interval;
    }

    public static string Describe(LossInterval i) =>
        $"95% confidence interval of the curve: {ScalingTables.G(i.ConfidenceLower, 6)} to {ScalingTables.G(i.ConfidenceUpper, 6)}; 95% prediction interval of a new run: {ScalingTables.G(i.PredictionLower, 6)} to {ScalingTables.G(i.PredictionUpper, 6)} (residual bootstrap)";
}
