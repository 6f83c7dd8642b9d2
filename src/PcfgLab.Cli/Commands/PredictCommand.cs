using System.CommandLine;
using System.Text.Json.Nodes;
using PcfgLab.Scaling;

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
        var intervals = PredictIntervalOptions.Create();
        var command = new Command("predict", "Predict loss at (N, D[, H]) and the compute-optimal allocation of a FLOP budget from a saved fit or regression.")
        {
            file, n, d, h, flops, dataset, json,
        };
        intervals.AddTo(command);

        command.SetAction(async (ParseResult parse, CancellationToken cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            var nValue = parse.GetValue(n);
            var dValue = parse.GetValue(d);
            var budget = parse.GetValue(flops);
            if ((nValue is null) != (dValue is null))
            {
                throw new UserInputException("give both --n and --d for a loss prediction");
            }

            if (nValue is null && budget is null)
            {
                throw new UserInputException("nothing to predict: give --n and --d, or --flops");
            }

            foreach (var (value, name) in new[] { (nValue, "--n"), (dValue, "--d"), (budget, "--flops") })
            {
                if (value is { } v && !(v > 0))
                {
                    throw new UserInputException($"{name} {v}: must be positive");
                }
            }

            var saved = SavedLaw.Load(path, parse.GetValue(dataset), parse.GetValue(h));
            var source = saved.Description;
            var law = saved.Chinchilla;
            Func<double, double, double> loss = saved.Loss;
            var result = new JsonObject { ["source"] = source };
            if (law is not null)
            {
                result["law"] = new JsonObject { ["E"] = law.E, ["A"] = law.A, ["B"] = law.B, ["alpha"] = law.Alpha, ["beta"] = law.Beta };
            }

            if (nValue is { } nv && dValue is { } dv)
            {
                result["N"] = nv;
                result["D"] = dv;
                result["loss"] = Number(loss(nv, dv));
            }

            if (budget is { } c)
            {
                if (law is null)
                {
                    throw new UserInputException("--flops needs a Chinchilla fit or a regression: the compute-optimal allocation is defined for L(N, D) = E + A/N^alpha + B/D^beta");
                }

                var frontier = new ComputeOptimalFrontier(law);
                result["flops"] = c;
                result["N_opt"] = Number(frontier.OptimalParameters(c));
                result["D_opt"] = Number(frontier.OptimalTokens(c));
                result["tokens_per_parameter"] = Number(frontier.TokensPerParameter(c));
                result["loss_at_optimum"] = Number(frontier.OptimalLoss(c));
            }

            var interval = await intervals.RunAsync(context, parse, path, parse.GetValue(dataset), law, nValue, dValue, result, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await context.Output.WriteLineAsync(result.ToJsonString(JsonConvention.Node())).ConfigureAwait(false);
                return 0;
            }

            await context.Output.WriteLineAsync($"From the {source}").ConfigureAwait(false);
            if (nValue is { } n2 && dValue is { } d2)
            {
                await context.Output.WriteLineAsync($"loss at N = {ScalingTables.G(n2)}, D = {ScalingTables.G(d2)}: {ScalingTables.G(loss(n2, d2), 6)}").ConfigureAwait(false);
                if (interval is not null)
                {
                    await context.Output.WriteLineAsync(PredictIntervalOptions.Describe(interval)).ConfigureAwait(false);
                }
            }

            if (budget is { } c2 && law is not null)
            {
                var frontier = new ComputeOptimalFrontier(law);
                await context.Output.WriteLineAsync($"compute-optimal at C = {ScalingTables.G(c2)}: N_opt = {ScalingTables.G(frontier.OptimalParameters(c2))}, D_opt = {ScalingTables.G(frontier.OptimalTokens(c2))}, D/N = {ScalingTables.G(frontier.TokensPerParameter(c2))}, loss = {ScalingTables.G(frontier.OptimalLoss(c2), 6)}").ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    private static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;
}
