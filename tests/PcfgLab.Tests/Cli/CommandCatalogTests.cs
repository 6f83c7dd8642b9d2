using System.CommandLine;
using PcfgLab.Cli;

namespace PcfgLab.Tests.Cli;

/// <summary>
/// Every command's options, read from the built command tree: a long name means one thing everywhere (the same short
/// form, value type and default in every command that has it), a short form stands for one long name, and a flag that
/// selects a column is named as one. A new command or option that breaks this fails here, unless the difference is
/// listed below with its reason.
/// </summary>
public sealed class CommandCatalogTests
{
    /// <summary>
    /// Differences that are meant: (long name, what differs) and why. Every entry must still be needed (a test checks
    /// it), so that the list shrinks when a difference goes.
    /// </summary>
    private static readonly Dictionary<(string Name, string Property), string> Allowed = new()
    {
        [("--seed", "type")] = "generate and the grammar commands seed a grammar (a signed seed, as the study's code); samples and bootstraps take an unsigned one",
        [("--seed", "default")] = "each seeds its own stream: a grammar and its documents (1), the gzip sample's (the dataset.json numbers), a bootstrap's (0)",
        [("--out", "default")] = "each command's own output: plan.jsonl, sweep.sbatch, report, or none (stdout, or required)",
        [("--bootstrap", "default")] = "resamples where each command's interval needs them: none unless asked for the costly joint fits, 1000 for IsoFLOP parabolas and gzip medians",
        [("--sentences", "default")] = "grammar survey measures dozens of grammars, so it takes fewer sentences per estimate",
        [("--doc-len", "default")] = "gzip measures dataset rows whole unless a window length is given",
        [("--format", "default")] = "export's output format (npy) and gzip's input format (auto-detected) are different choices",
        [("--dataset", "type")] = "sweep plan takes dataset folders (repeatable); predict names the one dataset whose fit to use",
        [("--results", "type")] = "sweep report reads several results files or folders; the other sweep commands append to, or read, one",
        [("--reference", "default")] = "regress defaults to Chinchilla's published law (its description says so), fit --form data-dependent to the epoch law",
        [("--at-flops", "default")] = "regress reports the crossing only when asked; fit --form data-dependent draws its band at 1e21 unless told",
        [("--h", "type")] = "predict takes one H; regress takes NAME=VALUE pairs (repeatable)",
    };

    /// <summary>
    /// Old spellings kept as aliases of the column flags (fit, isoflop, extrapolate) and of sweep plan's --budgets:
    /// elsewhere these names mean a value (predict --n, --flops; generate --tokens; sweep plan --dataset). No other
    /// alias may be another command's long name.
    /// </summary>
    private static readonly HashSet<string> OldSpellings = ["--n", "--tokens", "--flops", "--loss", "--dataset", "--gzip"];

    [Fact]
    public void A_long_name_means_the_same_in_every_command()
    {
        var differences = Differences(AllOptions());

        var unexpected = differences.Where(d => !Allowed.ContainsKey(d.Key)).Select(d => $"{d.Key.Name} ({d.Key.Property}): {d.Value}").ToList();
        Assert.True(unexpected.Count == 0, "options that differ between commands:\n" + string.Join('\n', unexpected));
    }

    [Fact]
    public void Every_allowed_difference_is_still_there()
    {
        var differences = Differences(AllOptions());

        var stale = Allowed.Keys.Where(key => !differences.ContainsKey(key)).Select(key => $"{key.Name} ({key.Property})").ToList();
        Assert.True(stale.Count == 0, "allowed differences no longer there (remove them): " + string.Join(", ", stale));
    }

    [Fact]
    public void An_alias_is_no_other_commands_long_name()
    {
        var options = AllOptions();
        var names = options.Select(o => o.Option.Name).ToHashSet(StringComparer.Ordinal);

        var clashes = options
            .SelectMany(o => o.Option.Aliases.Where(a => a.StartsWith("--", StringComparison.Ordinal) && names.Contains(a) && !OldSpellings.Contains(a)).Select(a => $"{o.Command} {o.Option.Name}: alias {a}"));

        Assert.Empty(clashes);
    }

    [Fact]
    public void A_short_form_stands_for_one_long_name()
    {
        var byShort = AllOptions()
            .SelectMany(o => o.Option.Aliases.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).Select(a => (Short: a, o.Option.Name)))
            .GroupBy(p => p.Short)
            .Where(g => g.Select(p => p.Name).Distinct().Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(p => p.Name).Distinct())}");

        Assert.Empty(byShort);
    }

    [Fact]
    public void Flags_that_select_a_column_are_named_as_columns()
    {
        var misnamed = AllOptions()
            .Where(o => o.Option.Description is { } d && (d.StartsWith("Column", StringComparison.Ordinal) || d.StartsWith("Loss column", StringComparison.Ordinal)))
            .Where(o => !o.Option.Name.EndsWith("column", StringComparison.Ordinal))
            .Select(o => $"{o.Command} {o.Option.Name}");

        Assert.Empty(misnamed);
    }

    [Theory]
    [InlineData("fit", "--n-column", "--n")]
    [InlineData("fit", "--tokens-column", "--tokens")]
    [InlineData("fit", "--flops-column", "--flops")]
    [InlineData("fit", "--loss-column", "--loss")]
    [InlineData("fit", "--dataset-column", "--dataset")]
    [InlineData("fit", "--h-column", "--gzip")]
    [InlineData("isoflop", "--n-column", "--n")]
    [InlineData("isoflop", "--tokens-column", "--tokens")]
    [InlineData("isoflop", "--flops-column", "--flops")]
    [InlineData("isoflop", "--loss-column", "--loss")]
    [InlineData("extrapolate", "--n-column", "--n")]
    [InlineData("extrapolate", "--tokens-column", "--tokens")]
    [InlineData("extrapolate", "--flops-column", "--flops")]
    [InlineData("extrapolate", "--loss-column", "--loss")]
    [InlineData("sweep plan", "--budgets", "--tokens")]
    public void The_old_spelling_still_works(string command, string name, string oldSpelling)
    {
        var option = AllOptions().Single(o => o.Command == command && o.Option.Name == name).Option;

        Assert.Contains(oldSpelling, option.Aliases);
    }

    [Fact]
    public void Threads_default_to_every_core_everywhere()
    {
        var threads = AllOptions().Where(o => o.Option.Name == "--threads").ToList();

        Assert.True(threads.Count >= 6, $"only {threads.Count} commands have --threads");
        Assert.All(threads, t => Assert.Equal(Environment.ProcessorCount, t.Option.GetDefaultValue()));
    }

    /// <summary>Per (long name, property): how the commands that share the name differ, or nothing when they agree.</summary>
    private static Dictionary<(string Name, string Property), string> Differences(List<(string Command, Option Option)> options)
    {
        var differences = new Dictionary<(string, string), string>();
        foreach (var group in options.GroupBy(o => o.Option.Name).Where(g => g.Count() > 1))
        {
            Compare(group, "short form", o => string.Join(' ', o.Aliases.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).Order(StringComparer.Ordinal)));
            Compare(group, "type", o => (Nullable.GetUnderlyingType(o.ValueType) ?? o.ValueType).Name);
            Compare(group, "default", o => o.HasDefaultValue ? Convert.ToString(o.GetDefaultValue(), System.Globalization.CultureInfo.InvariantCulture) ?? "null" : "none");
        }

        return differences;

        void Compare(IGrouping<string, (string Command, Option Option)> group, string property, Func<Option, string> describe)
        {
            var values = group.Select(o => (o.Command, Value: describe(o.Option))).ToList();
            if (values.Select(v => v.Value).Distinct().Count() > 1)
            {
                differences[(group.Key, property)] = string.Join("; ", values.Select(v => $"{v.Command}: '{v.Value}'"));
            }
        }
    }

    /// <summary>Every option of every command (the root's own, help and version, left out), with the command's path.</summary>
    private static List<(string Command, Option Option)> AllOptions()
    {
        using var context = new CliContext(TextWriter.Null, TextWriter.Null, interactive: false);
        var root = PcfgLabApp.BuildRoot(context);
        var options = new List<(string, Option)>();
        Walk(root, string.Empty);
        Assert.True(options.Count > 100, $"only {options.Count} options found");
        return options;

        void Walk(Command command, string path)
        {
            foreach (var sub in command.Subcommands)
            {
                var subPath = path.Length == 0 ? sub.Name : path + " " + sub.Name;
                options.AddRange(sub.Options.Select(o => (subPath, o)));
                Walk(sub, subPath);
            }
        }
    }
}
