using System.CommandLine;
using System.Globalization;
using PcfgLab.Analysis;
using PcfgLab.Scaling;

namespace PcfgLab.Cli.Commands;

/// <summary><c>pcfglab fit</c>: fits scaling laws to training runs (Chinchilla Approach 3 and other forms).</summary>
internal static class FitCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("runs") { Description = "Training runs: .csv, .jsonl (JSON Lines, also the reference's results format) or .parquet." };
        var nColumn = new Option<string?>("--n-column", "--n") { Description = "Column of parameter counts N (default N, model_size, params, parameters, parameter_count)." };
        var tokensColumn = new Option<string?>("--tokens-column", "--tokens") { Description = "Column of training tokens D (default D, token_ct, tokens); without one D = C/(6N)." };
        var flopsColumn = new Option<string?>("--flops-column", "--flops") { Description = "Column of training FLOPs C (default C, flops, FLOPs); without one C = 6ND." };
        var lossColumn = new Option<string?>("--loss-column", "--loss") { Description = "Loss column, or 'valid' (last validation loss) or 'train-tail' (mean of the last k training losses) for per-step loss lists. Default: loss, final_valid_loss, last of valid_loss." };
        var trainTail = new Option<int>("--train-tail") { Description = "k for --loss train-tail.", DefaultValueFactory = _ => 10 };
        var datasetColumn = new Option<string?>("--dataset-column", "--dataset") { Description = "Column of dataset names (default dataset, dataset_name)." };
        var gzipColumn = new Option<string?>("--h-column", "--gzip") { Description = "Column of gzip compressibility H (default H, dataset_gzip [median, stdev], gzip)." };
        var by = new Option<string?>("--by") { Description = "Fit each value of this column separately (for example dataset_name)." };
        var dropDuplicates = new Option<bool>("--drop-duplicates") { Description = "Leave out rows that repeat an earlier row exactly (kept by default, with a warning: they are fitted as separate runs)." };
        var dropWorst = new Option<int>("--drop-worst") { Description = "Drop the K runs with the highest loss (per dataset with --by) before fitting.", DefaultValueFactory = _ => 0 };
        var form = new Option<string>("--form") { Description = "chinchilla: E + A/N^alpha + B/D^beta; data: E + B/X^beta (Hestness); rosenfeld: Rosenfeld et al. 2020 with the eps0 envelope; data-dependent: E(H) + A(H)/N^alpha(H) + B(H)/D^beta(H), every parameter a line in H, fitted jointly on all datasets.", DefaultValueFactory = _ => "chinchilla" };
        form.AcceptOnlyFromAmong("chinchilla", "data", "rosenfeld", "data-dependent");
        var dataDependent = new DataDependentFitCommand();
        var constrained = new ConstrainedFitCommand();
        var variable = new Option<string>("--variable") { Description = "Variable of --form data: D (tokens) or N (parameters).", DefaultValueFactory = _ => "D" };
        variable.AcceptOnlyFromAmong("D", "N");
        var eps0 = new Option<double?>("--eps0") { Description = "Random-guess loss for --form rosenfeld (for language models ln of the vocabulary size)." };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples over runs (chinchilla form; 0 for none). Each resample starts from the full-data optimum and 8 neighbours, not the full grid.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<ulong>("--seed", "-s") { Description = "Bootstrap seed.", DefaultValueFactory = _ => 0UL };
        var threads = new Option<int>("--threads") { Description = "Threads (0 also means every core). Results do not depend on it.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var holdoutFlops = new Option<double?>("--holdout-above-flops") { Description = "Also fit on runs with C at most X and report the error on the runs above." };
        var holdoutN = new Option<double?>("--holdout-above-n") { Description = "Also fit on runs with N at most X and report the error on the runs above." };
        var delta = new Option<double>("--delta") { Description = "Huber threshold on log residuals.", DefaultValueFactory = _ => 1e-3 };
        var json = new Option<bool>("--json") { Description = "Print one JSON document: the fit (top-level E, A, B, alpha, beta, objective), or with --by one fit per dataset keyed by name." };
        var output = new Option<string?>("--out", "-o") { Description = "Save the fit with its provenance (tool version, inputs, options, seed) for 'regress' and 'predict'." };

        var command = new Command("fit", "Fit scaling laws to training runs (Chinchilla Approach 3: Huber on log loss, L-BFGS from a 4500-point grid).")
        {
            file, nColumn, tokensColumn, flopsColumn, lossColumn, trainTail, datasetColumn, gzipColumn, by, dropDuplicates, dropWorst, form, variable, eps0,
            bootstrap, seed, threads, holdoutFlops, holdoutN, delta, json, output,
        };
        dataDependent.AddTo(command);
        constrained.AddTo(command);

        command.SetAction(async (ParseResult parse, CancellationToken cancellationToken) =>
        {
            var logger = context.CreateLogger("fit");
            var path = parse.GetValue(file)!;
            var loss = parse.GetValue(lossColumn);
            var groupColumn = parse.GetValue(by);
            var datasetName = parse.GetValue(datasetColumn);
            if (groupColumn is not null && datasetName is not null && groupColumn != datasetName)
            {
                throw new UserInputException($"--by {groupColumn} and --dataset {datasetName} name different columns; give one");
            }

            var map = new RunColumnMap
            {
                Parameters = parse.GetValue(nColumn),
                Tokens = parse.GetValue(tokensColumn),
                Flops = parse.GetValue(flopsColumn),
                Dataset = groupColumn ?? datasetName,
                Compressibility = parse.GetValue(gzipColumn),
                Loss = loss is "valid" or "train-tail" ? null : loss,
                FinalLoss = loss switch { "valid" => FinalLossChoice.Valid, "train-tail" => FinalLossChoice.TrainTail, _ => FinalLossChoice.Auto },
                TrainTailCount = parse.GetValue(trainTail),
                DropExactDuplicates = parse.GetValue(dropDuplicates),
            };
            var flopsCut = parse.GetValue(holdoutFlops);
            var nCut = parse.GetValue(holdoutN);
            if (flopsCut is not null && nCut is not null)
            {
                throw new UserInputException("give one of --holdout-above-flops and --holdout-above-n");
            }

            var request = new FitsRequest
            {
                Input = path,
                Columns = map,
                Fit = new FitRequest
                {
                    Form = parse.GetValue(form) switch { "data" => ScalingForm.Data, "rosenfeld" => ScalingForm.Rosenfeld, _ => ScalingForm.Chinchilla },
                    ByDataset = groupColumn is not null,
                    GroupColumn = groupColumn,
                    DropWorst = parse.GetValue(dropWorst),
                    Variable = parse.GetValue(variable) == "N" ? ScalingVariable.Parameters : ScalingVariable.Tokens,
                    Eps0 = parse.GetValue(eps0),
                    Fit = new FitOptions { HuberDelta = parse.GetValue(delta), MaxDegreeOfParallelism = parse.GetValue(threads) },
                    BootstrapResamples = parse.GetValue(bootstrap),
                    Seed = parse.GetValue(seed),
                    Holdout = flopsCut is { } fc ? (HoldoutCut.Flops, fc) : nCut is { } nc ? (HoldoutCut.Parameters, nc) : null,
                    Options = ScalingTables.EffectiveOptions(parse),
                },
            };
            request = parse.GetValue(form) == "data-dependent" ? dataDependent.Apply(parse, request)
                : constrained.Requested(parse) ? constrained.Apply(parse, request)
                : request;
            var result = await Fits.FitAsync(request, logger, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(output) is { } outPath)
            {
                result.Save(outPath);
                Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(logger, "saved the fit to {Path}", outPath);
            }

            if (parse.GetValue(json))
            {
                await context.Output.WriteLineAsync(result.ToJsonString()).ConfigureAwait(false);
            }
            else if (result.DataDependent is { } joint)
            {
                DataDependentFitCommand.WriteTables(context.Output, joint);
            }
            else
            {
                WriteTables(context.Output, result.Fit!);
                ConstrainedFitCommand.WriteIdentification(context.Output, result.Fit!);
            }

            return 0;
        });
        return command;
    }

    internal static void WriteTables(TextWriter output, ScalingFitDocument document)
    {
        string Yes(bool b) => b ? "yes" : "NO";
        switch (document.Form)
        {
            case ScalingForm.Chinchilla:
                output.WriteLine("Chinchilla fit L(N, D) = E + A/N^alpha + B/D^beta (Huber delta on log L, L-BFGS from every grid start)");
                ScalingTables.Write(output, ["dataset", "H", "runs", "E", "A", "B", "alpha", "beta", "objective", "converged", "starts ok", "RMSE", "mean rel err"],
                    document.Fits.Select(f => (IReadOnlyList<string>)[
                        f.Dataset, ScalingTables.G(f.Compressibility), f.Chinchilla!.Runs.ToString(CultureInfo.InvariantCulture),
                        ScalingTables.G(f.Chinchilla.Parameters.E), ScalingTables.G(f.Chinchilla.Parameters.A), ScalingTables.G(f.Chinchilla.Parameters.B),
                        ScalingTables.G(f.Chinchilla.Parameters.Alpha), ScalingTables.G(f.Chinchilla.Parameters.Beta), ScalingTables.G(f.Chinchilla.Objective, 5),
                        Yes(f.Chinchilla.Converged), $"{f.Chinchilla.ConvergedStarts}/{f.Chinchilla.Starts}",
                        ScalingTables.G(f.Chinchilla.Rmse), ScalingTables.G(f.Chinchilla.MeanRelativeError)]).ToList());
                output.WriteLine();
                output.WriteLine("Compute-optimal frontier (C = 6ND): N_opt = G (C/6)^a, D_opt = (C/6)^b / G");
                ScalingTables.Write(output, ["dataset", "G", "a", "b", "N_opt(1e21)", "D_opt(1e21)", "D/N at 1e21"],
                    document.Fits.Select(f =>
                    {
                        var frontier = new ComputeOptimalFrontier(f.Chinchilla!.Parameters);
                        return (IReadOnlyList<string>)[
                            f.Dataset, ScalingTables.G(frontier.G), ScalingTables.G(frontier.ParameterExponent), ScalingTables.G(frontier.TokenExponent),
                            ScalingTables.G(frontier.OptimalParameters(1e21)), ScalingTables.G(frontier.OptimalTokens(1e21)), ScalingTables.G(frontier.TokensPerParameter(1e21))];
                    }).ToList());
                foreach (var f in document.Fits)
                {
                    if (f.Bootstrap is { } b)
                    {
                        output.WriteLine();
                        output.WriteLine($"Bootstrap {f.Dataset}: {b.Resamples} resamples of the runs (seed {b.Seed}), {b.ConvergedResamples} converged; each resample fitted from the full-data optimum and 8 neighbours, not the full grid");
                        ScalingTables.Write(output, ["param", "estimate", "std err", "2.5%", "97.5%"],
                            b.Intervals.Select(i => (IReadOnlyList<string>)[i.Name, ScalingTables.G(i.Estimate), ScalingTables.G(i.StandardError, 3), ScalingTables.G(i.Lower), ScalingTables.G(i.Upper)]).ToList());
                    }

                    if (f.Holdout is { } h)
                    {
                        output.WriteLine();
                        var cut = h.Cut == HoldoutCut.Flops ? "C" : "N";
                        output.WriteLine($"Held out {f.Dataset}: fitted on {h.Fit.Runs} runs with {cut} <= {ScalingTables.G(h.Threshold)} (E {ScalingTables.G(h.Fit.Parameters.E)}, A {ScalingTables.G(h.Fit.Parameters.A)}, B {ScalingTables.G(h.Fit.Parameters.B)}, alpha {ScalingTables.G(h.Fit.Parameters.Alpha)}, beta {ScalingTables.G(h.Fit.Parameters.Beta)}); on the {h.HeldOut.Runs} runs above: RMSE {ScalingTables.G(h.HeldOut.Rmse)}, mean relative error {ScalingTables.G(h.HeldOut.MeanRelativeError)}");
                    }
                }

                break;
            case ScalingForm.Data:
                output.WriteLine("Learning curve L(X) = E + B/X^beta (Hestness et al. 2017)");
                ScalingTables.Write(output, ["dataset", "X", "runs", "E", "B", "beta", "objective", "converged", "RMSE", "mean rel err"],
                    document.Fits.Select(f => (IReadOnlyList<string>)[
                        f.Dataset, f.LearningCurve!.Parameters.Variable == ScalingVariable.Tokens ? "D" : "N", f.LearningCurve.Runs.ToString(CultureInfo.InvariantCulture),
                        ScalingTables.G(f.LearningCurve.Parameters.E), ScalingTables.G(f.LearningCurve.Parameters.B), ScalingTables.G(f.LearningCurve.Parameters.Beta),
                        ScalingTables.G(f.LearningCurve.Objective, 5), Yes(f.LearningCurve.Converged), ScalingTables.G(f.LearningCurve.Rmse), ScalingTables.G(f.LearningCurve.MeanRelativeError)]).ToList());
                break;
            default:
                output.WriteLine("Rosenfeld et al. 2020: eps = a D^-alpha + b N^-beta + c_inf, loss = eps0 eps / |eps - i eta|");
                ScalingTables.Write(output, ["dataset", "runs", "a", "alpha", "b", "beta", "c_inf", "eta", "eps0", "objective", "converged", "RMSE", "mean rel err"],
                    document.Fits.Select(f =>
                    {
                        var r = f.Rosenfeld!;
                        var p = r.Parameters;
                        return (IReadOnlyList<string>)[
                            f.Dataset, r.Runs.ToString(CultureInfo.InvariantCulture), ScalingTables.G(p.A), ScalingTables.G(p.Alpha), ScalingTables.G(p.B), ScalingTables.G(p.Beta),
                            ScalingTables.G(p.CInfinity), $"{ScalingTables.G(p.EtaReal)}{(p.EtaImaginary < 0 ? "-" : "+")}{ScalingTables.G(Math.Abs(p.EtaImaginary))}i", ScalingTables.G(p.Eps0),
                            ScalingTables.G(r.Objective, 5), Yes(r.Converged), ScalingTables.G(r.Rmse), ScalingTables.G(r.MeanRelativeError)];
                    }).ToList());
                break;
        }
    }
}
