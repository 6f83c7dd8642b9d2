using System.CommandLine;
using System.Globalization;
using PcfgLab.Sweeps;

namespace PcfgLab.Cli.Commands;

/// <summary><c>pcfglab sweep plan</c>: write plan.jsonl and estimate its cost.</summary>
internal static class SweepPlanCommand
{
    public static Command Create(CliContext context)
    {
        var spec = new Option<string?>("--spec") { Description = "Sweep file (JSON: presets or datasets, shapes, tokens, seeds, vocabulary, training; see docs/sweep.md). Without it: the study's grid." };
        var dataRoot = new Option<string>("--data-root") { Description = "Folder holding the six study datasets (gzipscale-0.11 ... gzipscale-0.61) when no --spec or --dataset is given.", DefaultValueFactory = _ => "data" };
        var datasets = new Option<string[]>("--dataset") { Description = "Dataset folder (repeatable); replaces the spec's datasets.", AllowMultipleArgumentsPerToken = true };
        var shapes = new Option<int?>("--shapes") { Description = "Use only the first K model shapes (smallest first)." };
        var tokens = new Option<string?>("--budgets", "--tokens") { Description = "Token budgets D, comma-separated (for example 100k,1M,5M); replaces the spec's." };
        var vocabulary = new Option<string?>("--vocabulary") { Description = "Model vocabulary: a number (study: 32001) or 'grammar' (each dataset's max token id + 1)." };
        var seeds = new Option<string?>("--seeds") { Description = "Training seeds, comma-separated (default 0)." };
        var profile = new Option<string?>("--profile") { Description = "Training settings: study (AdamW 5e-5, batch 32, the paper's) or small (lr 3e-3, 10 warmup steps, batch 8: small models on a CPU); replaces the spec's." };
        var results = new Option<string?>("--results") { Description = "Results file: cells that already have a record there are counted as done." };
        var pendingOnly = new Option<bool>("--pending-only") { Description = "Write only the cells without a record in --results (renumbered from 0), for dispatching the remaining work." };
        var output = new Option<string>("--out", "-o") { Description = "Plan file to write (JSON Lines, one cell per line).", DefaultValueFactory = _ => "plan.jsonl" };
        var json = new Option<bool>("--json") { Description = "Print a JSON summary on stdout." };
        var pilot = new Option<bool>("--pilot") { Description = "Plan only the pilot: per dataset, the smallest and largest shape at the smallest and largest budget (first seed), and the learning-rate scan." };
        var command = new Command("plan", "Write plan.jsonl: one training cell per line (dataset, shape, N, D, C = 6ND, seed, settings), and estimate its core-seconds.")
        {
            spec, dataRoot, datasets, shapes, tokens, vocabulary, seeds, profile, results, pendingOnly, pilot, output, json,
        };
        command.SetAction(parse =>
        {
            var vocabularyText = parse.GetValue(vocabulary);
            var planned = SweepPlanning.Plan(new SweepPlanRequest
            {
                SpecPath = parse.GetValue(spec), DataRoot = parse.GetValue(dataRoot)!, Datasets = parse.GetValue(datasets) ?? [], Shapes = parse.GetValue(shapes),
                Tokens = parse.GetValue(tokens) is { } tokenList ? SplitList(tokenList).Select(t => CountFormat.Parse(t, "token budget")).ToArray() : null,
                Vocabulary = vocabularyText is null or "grammar" ? null
                    : int.TryParse(vocabularyText, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
                    : throw new UserInputException($"--vocabulary '{vocabularyText}' is neither a whole number nor 'grammar'."),
                GrammarVocabulary = vocabularyText == "grammar",
                Seeds = parse.GetValue(seeds) is { } seedList
                    ? SplitList(seedList).Select(s => int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seed) ? seed : throw new UserInputException($"--seeds: '{s}' is not a whole number.")).ToArray()
                    : null,
                Profile = parse.GetValue(profile), Results = parse.GetValue(results), PendingOnly = parse.GetValue(pendingOnly), Pilot = parse.GetValue(pilot), Output = parse.GetValue(output)!,
            });
            context.CreateLogger("sweep").LogPlanWritten(planned.Path, planned.Written.Count, planned.Cells.Count, planned.Cells.Count - planned.Pending.Count);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(planned.ToJson());
            }
            else
            {
                WritePlanTable(context.Output, planned.Cells, planned.Done);
                WriteEstimate(context.Output, planned.Estimate, planned.PendingEstimate);
            }

            return 0;
        });
        return command;
    }

    private static string[] SplitList(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static void WriteEstimate(TextWriter output, PlanCostEstimate all, PlanCostEstimate pending)
    {
        var inv = CultureInfo.InvariantCulture;
        foreach (var (dataset, seconds) in all.CoreSecondsByDataset)
        {
            output.WriteLine(string.Create(inv, $"  {dataset}: about {seconds:N0} core-seconds"));
        }

        output.WriteLine(string.Create(inv, $"estimated {all.CoreSeconds:N0} core-seconds for {all.Cells} cells ({pending.CoreSeconds:N0} for the {pending.Cells} without a record), from {all.Source}; {PlanCostEstimate.OverheadSecondsPerCell:0} core-seconds per cell for start and validation"));
    }

    private static void WritePlanTable(TextWriter output, IReadOnlyList<PlanCell> cells, IReadOnlySet<string> done)
    {
        var inv = CultureInfo.InvariantCulture;
        var table = new CliTable(["dataset", "H", "shape", "N", "D", "C (FLOPs)", "cells", "done"], [0, 1, 2]);
        foreach (var group in cells.GroupBy(c => (c.Dataset, c.Shape)))
        {
            var first = group.First();
            foreach (var byTokens in group.GroupBy(c => c.Tokens))
            {
                table.Add(
                [
                    first.Dataset,
                    first.GzipMedian is { } h ? h.ToString("0.0000", inv) : "?",
                    first.Shape.ToString(),
                    first.Parameters.ToString("N0", inv),
                    CountFormat.Format(byTokens.Key),
                    byTokens.First().Compute.ToString("0.00e+00", inv),
                    byTokens.Count().ToString(inv),
                    byTokens.Count(c => done.Contains(c.CellId)).ToString(inv),
                ]);
            }
        }

        table.Write(output);
        output.WriteLine(string.Create(inv, $"{cells.Count} cells, {cells.Count(c => done.Contains(c.CellId))} with a record, total compute {cells.Sum(c => c.Compute):0.00e+00} FLOPs"));
    }
}
