using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using PcfgLab.Scaling;


namespace PcfgLab.Cli.Commands;

/// <summary>
/// <c>pcfglab fit --tie-exponents / --fix-e / --identify</c>: Chinchilla fits with constraints and the identifiability
/// check (bootstrap correlation matrix, plain-words warnings). Kept apart from <see cref="FitCommand"/>, which adds
/// these options and hands over when one is given.
/// </summary>
internal sealed class ConstrainedFitCommand
{
    private readonly Option<bool> _tie = new("--tie-exponents") { Description = "chinchilla form: fit one exponent, alpha = beta." };
    private readonly Option<string?> _fixE = new("--fix-e") { Description = "chinchilla form: hold E at this loss, or 'floor' for each dataset's loss floor from its dataset.json under --datasets." };
    private readonly Option<string?> _datasets = new("--datasets") { Description = "Folder holding the dataset folders (name/dataset.json) for --fix-e floor." };
    private readonly Option<bool> _identify = new("--identify") { Description = "chinchilla form: bootstrap correlation matrix of the parameters and a warning for each pair the data do not separate." };

    public void AddTo(Command command)
    {
        command.Options.Add(_tie);
        command.Options.Add(_fixE);
        command.Options.Add(_datasets);
        command.Options.Add(_identify);
    }

    /// <summary>Whether the command line asks for this path.</summary>
    public bool Requested(ParseResult parse) => parse.GetValue(_tie) || parse.GetValue(_fixE) is not null || parse.GetValue(_identify);

    public async Task<int> RunAsync(CliContext context, ParseResult parse, IReadOnlyList<FitRun> runs, FitRequest request, string? outPath, bool json, CancellationToken cancellationToken)
    {
        if (request.Form != ScalingForm.Chinchilla || request.Holdout is not null)
        {
            throw new UserInputException("--tie-exponents, --fix-e and --identify apply to the chinchilla form without --holdout-above-*");
        }

        var logger = context.CreateLogger("fit");
        var groups = request.ByDataset
            ? runs.GroupBy(r => r.Dataset, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (Name: g.Key, Runs: g.ToList())).ToList()
            : [(Name: "all", Runs: runs.ToList())];
        var fixE = parse.GetValue(_fixE);
        var results = new List<(DatasetFitResult Result, ChinchillaConstraints Constraints, Identifiability? Identify)>();
        foreach (var (name, all) in groups)
        {
            var kept = all;
            if (request.DropWorst > 0)
            {
                if (request.DropWorst >= all.Count)
                {
                    throw new UserInputException($"--drop-worst {request.DropWorst} drops every run of '{name}' ({all.Count} runs)");
                }

                kept = [.. all.OrderBy(r => r.Loss).ThenBy(r => r.Row).Take(all.Count - request.DropWorst).OrderBy(r => r.Row)];
            }

            var constraints = new ChinchillaConstraints { TieExponents = parse.GetValue(_tie), FixedE = FixedE(fixE, parse.GetValue(_datasets), name) };
            logger.LogInformation("fitting '{Name}': {Runs} runs{Constraint}", name, kept.Count, constraints.None ? string.Empty : $" ({Describe(constraints)})");
            try
            {
                var fit = ConstrainedChinchillaFitter.Fit(kept, request.Fit, constraints, cancellationToken);
                var identify = request.BootstrapResamples > 0
                    ? ConstrainedChinchillaFitter.Identify(kept, fit, constraints, new BootstrapOptions { Resamples = request.BootstrapResamples, Seed = request.Seed, MaxDegreeOfParallelism = request.Fit.MaxDegreeOfParallelism }, request.Fit.HuberDelta, cancellationToken: cancellationToken)
                    : null;
                var h = kept.Where(r => r.Compressibility.HasValue).Select(r => r.Compressibility!.Value).Order().ToArray();
                double? median = h.Length == 0 ? null : h.Length % 2 == 1 ? h[h.Length / 2] : 0.5 * (h[(h.Length / 2) - 1] + h[h.Length / 2]);
                results.Add((new DatasetFitResult(name, median, Chinchilla: fit, Bootstrap: identify?.Bootstrap), constraints, identify));
            }
            catch (UserInputException ex) when (request.ByDataset)
            {
                throw ex.WithPrefix($"dataset '{name}': ");
            }
        }

        var document = new ScalingFitDocument(ToolInfo.Version, ScalingForm.Chinchilla, request.Inputs, request.Options, request.Seed, request.ByDataset ? request.GroupColumn ?? "dataset" : null, [.. results.Select(r => r.Result)]);
        if (outPath is not null)
        {
            document.Save(outPath);
            logger.LogInformation("saved the fit to {Path}", outPath);
        }

        if (json)
        {
            var output = document.ToOutputJson();
            await context.Output.WriteLineAsync(output.ToJsonString(ScalingTables.Json)).ConfigureAwait(false);
            return 0;
        }

        FitCommand.WriteTables(context.Output, document);
        foreach (var (result, constraints, identify) in results)
        {
            if (!constraints.None)
            {
                context.Output.WriteLine($"{result.Dataset}: fitted with {Describe(constraints)}");
            }

            if (identify is null)
            {
                continue;
            }

            context.Output.WriteLine();
            context.Output.WriteLine($"Bootstrap correlation of {result.Dataset}'s parameters (logs of E and of the terms A/N^alpha, B/D^beta at the runs' geometric-mean N and D, then alpha, beta; {identify.Bootstrap.Resamples} resamples, seed {identify.Bootstrap.Seed})");
            var p = identify.Names.Count;
            ScalingTables.Write(context.Output, ["", .. identify.Names],
                identify.Names.Select((name, i) => (IReadOnlyList<string>)[name, .. Enumerable.Range(0, p).Select(j => identify.Correlation[(i * p) + j].ToString("F3", CultureInfo.InvariantCulture))]).ToList());
            foreach (var w in identify.Warnings)
            {
                context.Output.WriteLine($"warning: {w}");
            }

            if (identify.Warnings.Count == 0)
            {
                context.Output.WriteLine("no pair of parameters moves in lockstep (every |correlation| < 0.99)");
            }
        }

        return 0;
    }

    private static string Describe(ChinchillaConstraints c) =>
        string.Join(", ", new[] { c.TieExponents ? "alpha = beta" : null, c.FixedE is { } e ? $"E fixed at {e.ToString("G6", CultureInfo.InvariantCulture)}" : null }.Where(s => s is not null));

    private static double? FixedE(string? text, string? datasets, string name)
    {
        if (text is null)
        {
            return null;
        }

        if (text != "floor")
        {
            return ScalingTables.ParseNumber(text, "--fix-e");
        }

        if (datasets is null)
        {
            throw new UserInputException("--fix-e floor needs --datasets DIR, the folder holding each dataset's folder with its dataset.json");
        }

        var info = PcfgLab.Sweeps.DatasetInfo.Read(Path.Combine(datasets, name));
        return info.Floor?.Nats ?? throw new UserInputException($"dataset '{name}' records no loss floor in its dataset.json; measure it with `pcfglab floor` or give --fix-e VALUE");
    }
}
