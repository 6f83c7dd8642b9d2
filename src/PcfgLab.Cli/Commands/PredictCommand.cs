using System.CommandLine;
using PcfgLab.Analysis;

namespace PcfgLab.Cli.Commands;

/// <summary><c>pcfglab predict</c>: loss at (N, D[, H]) and the compute-optimal N and D for a budget, from a saved fit or regression.</summary>
internal static class PredictCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("law") { Description = "A saved fit (pcfglab fit --out) or regression (pcfglab regress --out)." };
        var n = new Option<double?>("--n") { Description = "Parameters N." };
        var d = new Option<double?>("--d") { Description = "Training tokens D." };
        var h = new Option<double?>("--h") { Description = "Gzip compressibility H (needed with a regression)." };
        var flops = new Option<double?>("--flops") { Description = "Compute budget C: report the compute-optimal N and D (Chinchilla forms)." };
        var dataset = new Option<string?>("--dataset") { Description = "Which dataset's fit to use when the file holds several." };
        var json = new Option<bool>("--json") { Description = "Print one JSON document." };
        var intervals = new Option<int>("--intervals") { Description = "Residual-bootstrap resamples for a 95% confidence interval of the curve and a 95% prediction interval of a new run at --n, --d (reads the runs the saved fit recorded; 0 for none).", DefaultValueFactory = _ => 0 };
        var seed = new Option<ulong>("--seed", "-s") { Description = "Seed of the interval bootstrap.", DefaultValueFactory = _ => 0UL };
        var command = new Command("predict", "Predict loss at (N, D[, H]) and the compute-optimal allocation of a FLOP budget from a saved fit or regression.")
        {
            file, n, d, h, flops, dataset, json, intervals, seed,
        };

        command.SetAction(async (ParseResult parse, CancellationToken cancellationToken) =>
        {
            var request = new PredictionRequest
            {
                Law = parse.GetValue(file)!,
                Dataset = parse.GetValue(dataset),
                Compressibility = parse.GetValue(h),
                Parameters = parse.GetValue(n),
                Tokens = parse.GetValue(d),
                Flops = parse.GetValue(flops),
                IntervalResamples = parse.GetValue(intervals),
                IntervalSeed = parse.GetValue(seed),
            };
            var prediction = await Fits.PredictAsync(request, context.CreateLogger("predict"), cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await context.Output.WriteLineAsync(prediction.ToJsonString()).ConfigureAwait(false);
                return 0;
            }

            var output = context.Output;
            output.WriteLine($"From the {prediction.Source}");
            if (prediction.Parameters is { } nv && prediction.Tokens is { } dv)
            {
                output.WriteLine($"loss at N = {ScalingTables.G(nv)}, D = {ScalingTables.G(dv)}: {ScalingTables.G(prediction.Loss, 6)}");
                if (prediction.Interval is { } i)
                {
                    output.WriteLine($"95% confidence interval of the curve: {ScalingTables.G(i.ConfidenceLower, 6)} to {ScalingTables.G(i.ConfidenceUpper, 6)}; 95% prediction interval of a new run: {ScalingTables.G(i.PredictionLower, 6)} to {ScalingTables.G(i.PredictionUpper, 6)} (residual bootstrap)");
                }
            }

            if (prediction.Allocation is { } a)
            {
                output.WriteLine($"compute-optimal at C = {ScalingTables.G(a.Flops)}: N_opt = {ScalingTables.G(a.Parameters)}, D_opt = {ScalingTables.G(a.Tokens)}, D/N = {ScalingTables.G(a.TokensPerParameter)}, loss = {ScalingTables.G(a.Loss, 6)}");
            }

            return 0;
        });
        return command;
    }
}
