using System.CommandLine;
using System.Globalization;
using System.Text;
using PcfgLab.Generation;
using PcfgLab.Grammars;

namespace PcfgLab.Cli.Commands;

/// <summary><c>pcfglab grammar new|info</c>: make random grammars in NLTK's format and analyse grammars.</summary>
internal static class GrammarCommands
{
    public static Command Create(CliContext context)
    {
        var command = new Command("grammar", "Make random PCFGs in NLTK's text format and analyse grammars.");
        command.Subcommands.Add(CreateNew(context));
        command.Subcommands.Add(CreateInfo(context));
        command.Subcommands.Add(GrammarSearchCommand.Create(context));
        command.Subcommands.Add(GrammarSurveyCommand.Create(context));
        command.Subcommands.Add(GrammarPresetsCommand.Create(context));
        return command;
    }

    private static Command CreateNew(CliContext context)
    {
        var source = new GrammarSourceOptions();
        var output = new Option<string?>("--out", "-o") { Description = "Write the grammar to this file (atomically); stdout when absent." };
        var command = new Command("new", "Make a random PCFG (the reference's generator) and write it in NLTK's format.");
        source.AddTo(command);
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            var read = source.Read(parse);
            if (read.IsEmpty)
            {
                throw new UserInputException("Give --preset NAME or all of --nonterminals, --terminals, --max-options and --max-length.");
            }

            var resolved = read.Resolve();
            var (grammar, description) = (resolved.Grammar, resolved.Description);
            var path = parse.GetValue(output);
            if (path is null)
            {
                NltkGrammarFormat.Write(grammar, context.Output);
            }
            else
            {
                NltkGrammarFormat.Save(grammar, path);
                context.Error.WriteLine($"wrote {path}: {description}, {grammar.NonterminalCount} nonterminals, {grammar.RuleCount} rules");
            }

            return 0;
        });
        return command;
    }

    private static Command CreateInfo(CliContext context)
    {
        var source = new GrammarSourceOptions();
        var file = new Argument<string?>("file") { Description = "Grammar file in NLTK's PCFG format (or give --preset or the four sizes instead).", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of a table." };
        var sentences = new Option<int>("--sentences") { Description = "Sentences of the entropy-rate estimate (0: skip it).", DefaultValueFactory = _ => PcfgLab.Floor.EntropyRate.DefaultSentences };
        var floor = new Option<bool>("--floor") { Description = "Also the document-level loss floor of the documents 'generate --seed S --doc-len L' writes." };
        var docs = new Option<int>("--docs") { Description = "Documents of the --floor estimate.", DefaultValueFactory = _ => PcfgLab.Floor.LossFloor.DefaultDocuments };
        var documentLength = new Option<int>("--doc-len") { Description = "Tokens per document for --floor.", DefaultValueFactory = _ => PcfgLab.Sampling.DocumentSampler.DefaultDocumentLength };
        var threads = new Option<int>("--threads") { Description = "Worker threads for the estimates (the results do not depend on it).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("info", "Analyse a grammar: sizes, useless nonterminals, criticality, termination probability, expected length, entropy and entropy rate.");
        command.Arguments.Add(file);
        source.AddTo(command);
        command.Options.Add(json);
        command.Options.Add(sentences);
        command.Options.Add(floor);
        command.Options.Add(docs);
        command.Options.Add(documentLength);
        command.Options.Add(threads);
        command.SetAction(parse =>
        {
            var read = source.Read(parse, parse.GetValue(file));
            if (read.IsEmpty)
            {
                throw new UserInputException("Give a grammar FILE, --preset NAME, or all of --nonterminals, --terminals, --max-options and --max-length.");
            }

            var described = GrammarDescription.Describe(new GrammarDescriptionRequest
            {
                Source = read, Sentences = parse.GetValue(sentences), Floor = parse.GetValue(floor), Documents = parse.GetValue(docs),
                DocumentLength = parse.GetValue(documentLength), Threads = parse.GetValue(threads),
            });
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(described.ToJson());
            }
            else
            {
                context.Output.Write(FormatTable(described.Source, described.Report));
                if (described.Floor is { } summary)
                {
                    context.Output.Write(FloorCommand.FormatTable(string.Empty, summary, null));
                }
                else if (described.FloorUnavailable is { } unavailable)
                {
                    context.Output.WriteLine($"entropy rate       {unavailable}");
                }
            }

            return 0;
        });
        return command;
    }

    internal static string FormatTable(string source, GrammarReport report)
    {
        var rows = new List<(string Key, string Value)>
        {
            ("grammar", source),
        };
        if (report.Origin is { } origin)
        {
            rows.Add(("spec", $"{origin.Spec} seed {Number(origin.Seed)}, first terminal id {Number(origin.FirstTerminalId)}"));
        }

        rows.Add(("start symbol", report.StartSymbol));
        rows.Add(("nonterminals", Number(report.NonterminalCount)));
        rows.Add(("terminals used", Number(report.TerminalCount)));
        rows.Add(("rules", Number(report.RuleCount)));
        rows.Add(("max rhs length", Number(report.MaxRhsLength)));
        rows.Add(("unreachable", Names(report.UnreachableNonterminals)));
        rows.Add(("unproductive", Names(report.UnproductiveNonterminals)));
        rows.Add(("spectral radius", $"{Number(report.SpectralRadius)} ({report.Criticality.ToString().ToLowerInvariant()})"));
        rows.Add(("q_S", $"{Number(report.StartTerminationProbability)} ({(report.IsConsistent ? "consistent" : "inconsistent: the samplers condition on finite derivations")})"));
        var partial = new StringBuilder();
        var shown = 0;
        var count = 0;
        foreach (var t in report.TerminationProbabilities)
        {
            if (t.Q < 1 - GrammarAnalysis.ConsistencyTolerance)
            {
                count++;
                if (shown < 8)
                {
                    partial.Append(shown++ > 0 ? ", " : string.Empty).Append(t.Name).Append(' ').Append(Number(t.Q));
                }
            }
        }

        rows.Add(("q < 1", count == 0 ? "none" : count > shown ? $"{partial}, ... ({Number(count)} in all; --json lists every q)" : partial.ToString()));
        if (double.IsNaN(report.ConditionedSpectralRadius))
        {
            rows.Add(("conditioned", "q_S = 0: no finite sentence exists; the samplers refuse this grammar"));
        }
        else
        {
            rows.Add(("conditioned on finite derivations", string.Empty));
            rows.Add(("  spectral radius", Number(report.ConditionedSpectralRadius) + (report.ConditionedIsCritical ? " (critical: expectations are infinite)" : string.Empty)));
            rows.Add(("  E[sentence length]", Number(report.ExpectedSentenceLength) + " tokens"));
            rows.Add(("  E[derivation size]", Number(report.ExpectedDerivationSize) + " expansions"));
            rows.Add(("  derivation entropy", Number(report.DerivationEntropyBits) + " bits/sentence"));
            rows.Add(("  entropy per token", Number(report.EntropyPerTokenBits) + " bits"));
        }

        var table = CliTable.KeyValue();
        foreach (var (key, value) in rows)
        {
            table.Add([key, value]);
        }

        return table.ToString();

        static string Names(IReadOnlyList<string> names) =>
            names.Count == 0 ? "none" : names.Count <= 12 ? string.Join(", ", names) : string.Join(", ", names.Take(12)) + $", ... ({Number(names.Count)} in all)";
    }

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "infinite",
        _ when double.IsNaN(value) => "undefined",
        _ => value.ToString("G6", CultureInfo.InvariantCulture),
    };

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
