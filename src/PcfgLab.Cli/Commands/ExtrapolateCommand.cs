using System.CommandLine;
using System.Globalization;
using PcfgLab.Analysis;
using PcfgLab.Scaling;

namespace PcfgLab.Cli.Commands;

/// <summary><c>pcfglab extrapolate</c>: leave-one-budget-out and rollout checks of the Chinchilla fit.</summary>
internal static class ExtrapolateCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("runs") { Description = "Training runs (as for 'fit')." };
        var nColumn = new Option<string?>("--n-column", "--n") { Description = "Column of parameter counts N (default as 'fit')." };
        var tokensColumn = new Option<string?>("--tokens-column", "--tokens") { Description = "Column of training tokens D (default as 'fit')." };
        var flopsColumn = new Option<string?>("--flops-column", "--flops") { Description = "Column of compute C or the budget (default as 'fit')." };
        var lossColumn = new Option<string?>("--loss-column", "--loss") { Description = "Loss column (default as 'fit')." };
        var scheme = new Option<string>("--scheme") { Description = "leave-one-budget-out: predict each budget from the others; rollout-flops: fit budgets up to each cut, predict all above; rollout-n: the same over model sizes.", DefaultValueFactory = _ => "leave-one-budget-out" };
        scheme.AcceptOnlyFromAmong("leave-one-budget-out", "rollout-flops", "rollout-n");
        var binWidth = new Option<double?>("--bin-width") { Description = "Bin runs into budgets by log10 C within this many decades (default: equal C)." };
        var json = new Option<bool>("--json") { Description = "Print the folds as one JSON document." };
        var form = new Option<string>("--form") { Description = "Form refitted in each fold: chinchilla (E + A/N^alpha + B/D^beta), kaplan (Kaplan et al. 2020's [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D), or compare (both, ranked by held-out error).", DefaultValueFactory = _ => "chinchilla" };
        form.AcceptOnlyFromAmong("chinchilla", "kaplan", "data-constrained", "compare");
        var unique = new Option<double?>("--unique-tokens") { Description = "Unique tokens of the training data (one count for every run, e.g. a dataset's size) for --form data-constrained (Muennighoff et al. 2023's repeated-data law); with --form compare it adds that form." };
        var by = new Option<string?>("--by") { Description = "Check each value of this column (for example dataset) separately." };
        var command = new Command("extrapolate", "Will the law extrapolate? Refit the Chinchilla law with budgets or sizes held out and report the relative error on them.")
        {
            file, nColumn, tokensColumn, flopsColumn, lossColumn, scheme, binWidth, json, form, by, unique,
        };
        command.SetAction(async (ParseResult parse, CancellationToken cancellationToken) =>
        {
            var logger = context.CreateLogger("extrapolate");
            var path = parse.GetValue(file)!;
            var request = new ExtrapolationRequest
            {
                Input = path,
                Columns = new RunColumnMap { Parameters = parse.GetValue(nColumn), Tokens = parse.GetValue(tokensColumn), Flops = parse.GetValue(flopsColumn), Loss = parse.GetValue(lossColumn), Dataset = parse.GetValue(by) },
                ByDataset = parse.GetValue(by) is not null,
                Compare = parse.GetValue(form) == "compare",
                Options = new ExtrapolationOptions
                {
                    Scheme = parse.GetValue(scheme) switch { "rollout-flops" => ExtrapolationScheme.RolloutFlops, "rollout-n" => ExtrapolationScheme.RolloutParameters, _ => ExtrapolationScheme.LeaveOneBudgetOut },
                    BinWidthDecades = parse.GetValue(binWidth),
                    UniqueTokens = parse.GetValue(unique) is { } u ? u > 0 ? _ => u : throw new UserInputException($"--unique-tokens {u}: must be positive") : null,
                    Form = parse.GetValue(form) switch { "kaplan" => ExtrapolatedForm.Kaplan, "data-constrained" => ExtrapolatedForm.DataConstrained, _ => ExtrapolatedForm.Chinchilla },
                },
            };
            var report = await Fits.ExtrapolateAsync(request, logger, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await context.Output.WriteLineAsync(report.ToJsonString()).ConfigureAwait(false);
                return 0;
            }

            foreach (var check in report.Datasets)
            {
                if (report.Grouped)
                {
                    context.Output.WriteLine($"== {check.Dataset}");
                }

                if (check.Ranked is { } ranked)
                {
                    WriteRanking(context.Output, ranked, report.Scheme);
                }
                else
                {
                    WriteFolds(context.Output, check.Result!, request.Options.Form);
                }
            }

            return 0;
        });
        return command;
    }

    private static void WriteRanking(TextWriter output, IReadOnlyList<(ExtrapolatedForm Form, ExtrapolationResult Result)> ranked, ExtrapolationScheme scheme)
    {
        output.WriteLine($"Model selection by held-out error ({ExtrapolationCheck.SchemeName(scheme)}; lowest pooled mean relative error first)");
        ScalingTables.Write(output, ["form", "folds", "held-out predictions", "pooled mean rel err", "worst fold mean rel err"],
            ranked.Select(r => (IReadOnlyList<string>)[Name(r.Form), r.Result.Folds.Count.ToString(CultureInfo.InvariantCulture), r.Result.Folds.Sum(f => f.HeldOut.Runs).ToString(CultureInfo.InvariantCulture),
                ScalingTables.G(r.Result.PooledMeanRelativeError), ScalingTables.G(r.Result.Folds.Max(f => f.HeldOut.MeanRelativeError))]).ToList());
        output.WriteLine($"best: {Name(ranked[0].Form)}");
    }

    private static void WriteFolds(TextWriter output, ExtrapolationResult result, ExtrapolatedForm form)
    {
        var what = result.Scheme switch
        {
            ExtrapolationScheme.RolloutFlops => "Rollout over compute: fit the budgets up to C, predict every run above",
            ExtrapolationScheme.RolloutParameters => "Rollout over model size: fit the sizes up to N, predict every larger model",
            _ => "Leave one budget out: fit the other budgets, predict the held-out one",
        };
        var kaplanForm = form == ExtrapolatedForm.Kaplan;
        output.WriteLine(kaplanForm ? $"{what} (Kaplan law, Huber on log L, 256-start grid per fold)"
            : form == ExtrapolatedForm.DataConstrained ? $"{what} (data-constrained law, Huber on log L, 729-start grid per fold; R* per fold: {string.Join(", ", result.Folds.Select(f => ScalingTables.G(f.RepetitionScale ?? double.NaN, 3)))})"
            : $"{what} (Chinchilla law, Huber on log L, 243-start grid per fold)");
        IReadOnlyList<string> lawHeader = kaplanForm ? ["N_c", "D_c", "alpha_N", "alpha_D"] : ["E", "A", "B", "alpha", "beta"];
        ScalingTables.Write(output, [result.Scheme == ExtrapolationScheme.RolloutParameters ? "N cut" : "C", "fitted", "held out", .. lawHeader, "RMSE", "mean rel err", "max rel err"],
            result.Folds.Select(f => (IReadOnlyList<string>)[ScalingTables.G(f.Cut), f.TrainRuns.ToString(CultureInfo.InvariantCulture), f.HeldOut.Runs.ToString(CultureInfo.InvariantCulture),
                .. (f.Law is { } l ? new[] { ScalingTables.G(l.E), ScalingTables.G(l.A), ScalingTables.G(l.B), ScalingTables.G(l.Alpha), ScalingTables.G(l.Beta) } : [ScalingTables.G(f.Kaplan!.Nc), ScalingTables.G(f.Kaplan.Dc), ScalingTables.G(f.Kaplan.AlphaN), ScalingTables.G(f.Kaplan.AlphaD)]),
                ScalingTables.G(f.HeldOut.Rmse), ScalingTables.G(f.HeldOut.MeanRelativeError), ScalingTables.G(f.MaxRelativeError)]).ToList());
        foreach (var s in result.Skipped)
        {
            output.WriteLine($"skipped {s}");
        }

        output.WriteLine($"Pooled mean relative error over {result.Folds.Sum(f => f.HeldOut.Runs)} held-out predictions: {ScalingTables.G(result.PooledMeanRelativeError)}");
    }

    private static string Name(ExtrapolatedForm form) => ExtrapolationCheck.FormName(form);
}
