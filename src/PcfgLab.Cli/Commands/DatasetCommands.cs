using System.CommandLine;
using System.Globalization;
using PcfgLab.Storage;

namespace PcfgLab.Cli.Commands;

/// <summary><c>pcfglab dataset summary|merge-manifests</c>: read and join dataset manifests.</summary>
internal static class DatasetCommands
{
    public static Command Create(CliContext context)
    {
        var command = new Command("dataset", "Summarise datasets made by 'pcfglab generate' and join the manifests of split runs.");
        command.Subcommands.Add(CreateSummary(context));
        command.Subcommands.Add(CreateMerge(context));
        return command;
    }

    /// <summary>One line per dataset: grammar, spectral radius, q_S, gzip median and stdev, speed.</summary>
    internal static string FormatTable(IReadOnlyList<(string Folder, DatasetManifest Manifest)> rows)
    {
        string[] header = ["dataset", "grammar", "seed", "profile", "tokens", "spectral radius", "q_S", "gzip median", "gzip stdev", "tokens/s"];
        // Text columns left-aligned, numbers right-aligned.
        var table = new CliTable(header, [0, 1, 3]);
        foreach (var (folder, m) in rows)
        {
            table.Add(
            [
                Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)),
                m.Preset ?? m.Spec ?? m.GrammarSource,
                m.Seed.ToString(),
                m.Profile,
                CountFormat.Format(m.Tokens),
                m.SpectralRadius.ToString("0.0000", CultureInfo.InvariantCulture),
                m.StartTerminationProbability.ToString("0.0000", CultureInfo.InvariantCulture),
                m.Gzip?.Median.ToString("0.0000", CultureInfo.InvariantCulture) ?? "-",
                m.Gzip?.Stdev.ToString("0.0000", CultureInfo.InvariantCulture) ?? "-",
                CountFormat.Format(m.TokensPerSecond),
            ]);
        }

        return string.Join('\n', table.Lines());
    }

    private static Command CreateSummary(CliContext context)
    {
        var folders = new Argument<string[]>("datasets") { Description = "Dataset folders (or their dataset.json).", Arity = ArgumentArity.OneOrMore };
        var command = new Command("summary", "Print one line per dataset: grammar, spectral radius, q_S, gzip median and stdev, tokens/s.");
        command.Arguments.Add(folders);
        command.SetAction(parse =>
        {
            var rows = new List<(string, DatasetManifest)>();
            foreach (var folder in parse.GetValue(folders)!)
            {
                rows.Add((folder.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? Path.GetDirectoryName(Path.GetFullPath(folder))! : folder, DatasetManifest.Load(folder)));
            }

            context.Output.WriteLine(FormatTable(rows));
            return 0;
        });
        return command;
    }

    private static Command CreateMerge(CliContext context)
    {
        var folder = new Argument<string>("dataset") { Description = "Dataset folder holding the per-shard manifests dataset.train-*.json of a split run." };
        var json = new Option<bool>("--json") { Description = "Print the merged manifest as one JSON document." };
        var command = new Command("merge-manifests", "Join the per-shard manifests of a split run (--shard i/n) into dataset.json, once every shard is done.");
        command.Arguments.Add(folder);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(folder)!;
            var (merged, parts) = DatasetManifest.MergeFolder(path, context.Owner("pcfglab dataset merge-manifests"));
            context.Error.WriteLine($"merged {parts} shard manifests into {Path.Combine(path, DatasetManifest.FileName)}");
            context.Output.WriteLine(parse.GetValue(json) ? merged.ToJson() : FormatTable([(path, merged)]));
            return 0;
        });
        return command;
    }
}
