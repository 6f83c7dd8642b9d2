using System.CommandLine;
using System.Globalization;
using PcfgLab.Compression;
using PcfgLab.Generation;
using PcfgLab.Grammars;
using PcfgLab.Sampling;

namespace PcfgLab.Cli.Commands;

/// <summary><c>pcfglab grammar search --target-gzip X</c>: the compressibility dial's grammar, without generating data.</summary>
internal static class GrammarSearchCommand
{
    public static Command Create(CliContext context)
    {
        var dial = new DialCommandOptions();
        var terminals = new Option<int?>("--terminals") { Description = "Fixed vocabulary size (number of terminals); the ladder's otherwise." };
        var seed = SeedOption.Create("Search seed: grammar seeds tried are seed, seed+1, ...; documents use it too.");
        var output = new Option<string?>("--out", "-o") { Description = "Write the grammar (NLTK format) to this file (atomically); stdout when absent." };
        var json = new Option<bool>("--json") { Description = "Print the search (chosen spec, seed, median, path) as one JSON document instead of the grammar; needs --out for the grammar." };
        var command = new Command("search", "Search random grammar specs and seeds for a consistent grammar whose median gzip compressibility hits --target-gzip; print it in NLTK's format.");
        dial.AddTo(command, targetRequired: true);
        command.Options.Add(terminals);
        command.Options.Add(seed);
        command.Options.Add(output);
        command.Options.Add(json);
        command.SetAction((parse, cancellationToken) =>
        {
            var options = dial.Read(parse, parse.GetValue(terminals), parse.GetValue(seed), DocumentSampler.DefaultDocumentLength)!;
            var result = CompressibilityDial.Search(options, context.CreateLogger("grammar"), cancellationToken);
            var path = parse.GetValue(output);
            if (path is not null)
            {
                NltkGrammarFormat.Save(result.Grammar, path);
                context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {path}: {result.Spec} seed {result.GrammarSeed}, median gzip {result.Median:0.0000}"));
            }

            if (parse.GetValue(json))
            {
                context.Output.WriteLine(result.ToEntry(options).ToJson());
            }
            else if (path is null)
            {
                NltkGrammarFormat.Write(result.Grammar, context.Output);
            }

            return Task.FromResult(0);
        });
        return command;
    }
}
