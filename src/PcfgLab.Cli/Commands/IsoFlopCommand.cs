using System.CommandLine;
using Microsoft.Extensions.Logging;
using PcfgLab.Analysis;
using PcfgLab.Scaling;

namespace PcfgLab.Cli.Commands;

/// <summary><c>pcfglab isoflop</c>: compute-optimal allocation by Hoffmann et al.'s Approach 2 (IsoFLOP profiles).</summary>
internal static class IsoFlopCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("runs") { Description = "Training runs: .csv, .jsonl or .parquet (as for 'fit')." };
        var nColumn = new Option<string?>("--n-column", "--n") { Description = "Column of parameter counts N (default as 'fit'); without one N = C/(6D)." };
        var tokensColumn = new Option<string?>("--tokens-column", "--tokens") { Description = "Column of training tokens D (default as 'fit')." };
        var flopsColumn = new Option<string?>("--flops-column", "--flops") { Description = "Column of compute C, or of the IsoFLOP budget (default C, flops, FLOPs; without one C = 6ND)." };
        var lossColumn = new Option<string?>("--loss-column", "--loss") { Description = "Loss column (default as 'fit')." };
        var by = new Option<string?>("--by") { Description = "Fit each value of this column separately (for example dataset)." };
        var method = new Option<string>("--method") { Description = "parabola: least-squares parabola of loss in log N per budget (Hoffmann's Approach 2); akima: Akima spline minimised on the sampled N.", DefaultValueFactory = _ => "parabola" };
        method.AcceptOnlyFromAmong("parabola", "akima");
        var binWidth = new Option<double?>("--bin-width") { Description = "Bin runs into budgets by C: a run joins a budget while its log10 C is within this many decades of the budget's smallest (default: runs with equal C form a budget)." };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples of the runs within each budget (0 for none).", DefaultValueFactory = _ => 1000 };
        var seed = new Option<ulong>("--seed", "-s") { Description = "Bootstrap seed.", DefaultValueFactory = _ => 0UL };
        var threads = new Option<int>("--threads") { Description = "Threads (0 also means every core). Results do not depend on it.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var json = new Option<bool>("--json") { Description = "Print the fits as one JSON document." };
        var output = new Option<string?>("--out", "-o") { Description = "Save the fits (atomically)." };
        var approach = new Option<int>("--approach") { Description = "2: IsoFLOP profiles of final losses (default); 1: lower envelope of the runs' per-step training curves (train_losses in JSON Lines records).", DefaultValueFactory = _ => 2 };
        approach.AcceptOnlyFromAmong("1", "2");
        var smooth = new Option<int>("--smooth") { Description = "Approach 1: trailing moving average over this many steps.", DefaultValueFactory = _ => 5 };
        var points = new Option<int>("--points") { Description = "Approach 1: log-spaced compute values at which the envelope is taken.", DefaultValueFactory = _ => 40 };
        var command = new Command("isoflop", "Compute-optimal N and D by IsoFLOP profiles (Approach 2: the minimum of loss in log N per budget) or the lower envelope of training curves (Approach 1), then N_opt = G C^a, D_opt = C/(6 N_opt).")
        {
            file, nColumn, tokensColumn, flopsColumn, lossColumn, by, method, binWidth, bootstrap, seed, threads, json, output, approach, smooth, points,
        };

        command.SetAction(async (ParseResult parse, CancellationToken cancellationToken) =>
        {
            var logger = context.CreateLogger("isoflop");
            var path = parse.GetValue(file)!;
            var request = new IsoFlopRequest
            {
                Input = path,
                Columns = new RunColumnMap { Parameters = parse.GetValue(nColumn), Tokens = parse.GetValue(tokensColumn), Flops = parse.GetValue(flopsColumn), Loss = parse.GetValue(lossColumn), Dataset = parse.GetValue(by) },
                ByDataset = parse.GetValue(by) is not null,
                Approach = parse.GetValue(approach),
                Profiles = new IsoFlopOptions
                {
                    Method = parse.GetValue(method) == "akima" ? IsoFlopMinimum.Akima : IsoFlopMinimum.Parabola,
                    BinWidthDecades = parse.GetValue(binWidth),
                    Resamples = parse.GetValue(bootstrap),
                    Seed = parse.GetValue(seed),
                    MaxDegreeOfParallelism = parse.GetValue(threads),
                },
                Envelope = new EnvelopeOptions
                {
                    Smoothing = parse.GetValue(smooth),
                    Points = parse.GetValue(points),
                    Resamples = parse.GetValue(bootstrap),
                    Seed = parse.GetValue(seed),
                    MaxDegreeOfParallelism = parse.GetValue(threads),
                },
                Options = ScalingTables.EffectiveOptions(parse),
            };
            var document = await Fits.IsoFlopAsync(request, logger, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(output) is { } outPath)
            {
                document.Save(outPath);
                logger.LogInformation("saved the IsoFLOP fit to {Path}", outPath);
            }

            if (parse.GetValue(json))
            {
                await context.Output.WriteLineAsync(document.ToJsonString()).ConfigureAwait(false);
            }
            else
            {
                WriteTables(context.Output, document);
            }

            return 0;
        });
        return command;
    }

    internal static void WriteTables(TextWriter output, IsoFlopDocument document)
    {
        foreach (var (name, fit) in document.Fits)
        {
            var envelope = fit.Method == IsoFlopMinimum.Envelope;
            var how = fit.Method == IsoFlopMinimum.Akima ? "Akima spline minimum in log N per budget" : envelope ? "lowest smoothed training curve at each compute" : "parabola vertex in log N per budget";
            output.WriteLine($"{(envelope ? "Lower envelope of training curves" : "IsoFLOP profiles")} (Approach {document.Approach}) of '{name}': {how}");
            ScalingTables.Write(output, ["C", envelope ? "sizes" : "runs", "N_opt", "D_opt", "D/N", "loss", envelope ? "N_opt not an end size" : "N_opt inside sampled N"],
                fit.Budgets.Select(b => (IReadOnlyList<string>)[ScalingTables.G(b.Flops), b.Runs.ToString(System.Globalization.CultureInfo.InvariantCulture), ScalingTables.G(b.OptimalParameters), ScalingTables.G(b.OptimalTokens), ScalingTables.G(b.OptimalTokens / b.OptimalParameters), ScalingTables.G(b.MinimumLoss), b.Interior ? "yes" : "NO"]).ToList());
            foreach (var s in fit.Skipped)
            {
                output.WriteLine($"left out C = {ScalingTables.G(s.Flops)} ({s.Runs} runs): {s.Reason}");
            }

            output.WriteLine();
            output.WriteLine(fit.UsedResamples > 0
                ? $"Least squares in log space; bootstrap 95% intervals ({fit.Resamples} resamples of {(envelope ? "the runs" : "the runs within each budget")}, seed {fit.Seed}, {fit.UsedResamples} usable)"
                : "Least squares in log space (no bootstrap)");
            ScalingTables.Write(output, ["law", "coefficient", "2.5%", "97.5%", "exponent", "2.5%", "97.5%", "std err"],
            [
                ["N_opt = G C^a", ScalingTables.G(fit.Parameters.Coefficient), ScalingTables.G(fit.Parameters.CoefficientLower), ScalingTables.G(fit.Parameters.CoefficientUpper), ScalingTables.G(fit.Parameters.Exponent), ScalingTables.G(fit.Parameters.ExponentLower), ScalingTables.G(fit.Parameters.ExponentUpper), ScalingTables.G(fit.Parameters.ExponentStandardError, 3)],
                ["D_opt = G_D C^b", ScalingTables.G(fit.Tokens.Coefficient), ScalingTables.G(fit.Tokens.CoefficientLower), ScalingTables.G(fit.Tokens.CoefficientUpper), ScalingTables.G(fit.Tokens.Exponent), ScalingTables.G(fit.Tokens.ExponentLower), ScalingTables.G(fit.Tokens.ExponentUpper), ScalingTables.G(fit.Tokens.ExponentStandardError, 3)],
            ]);
            output.WriteLine();
        }
    }
}
