using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
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
        command.Subcommands.Add(CreateSurvey(context));
        command.Subcommands.Add(CreatePresets(context));
        return command;
    }

    private static Command CreatePresets(CliContext context)
    {
        var names = new Option<bool>("--names") { Description = "Print only the names, one per line (for scripts)." };
        var group = new Option<string?>("--group") { Description = $"Only this series: {GrammarPresets.StudyGroup}, {GrammarPresets.IsoVocabularyGroup} or {GrammarPresets.EqualCompressibilityGroup}." };
        group.AcceptOnlyFromAmong(GrammarPresets.StudyGroup, GrammarPresets.IsoVocabularyGroup, GrammarPresets.EqualCompressibilityGroup);
        var command = new Command("presets", "List the named grammar specs (the study's six first), the one list every command and script uses.") { names, group };
        command.SetAction(parse =>
        {
            var wanted = parse.GetValue(group);
            var presets = GrammarPresets.All.Where(p => wanted is null || p.Group == wanted).ToArray();
            if (parse.GetValue(names))
            {
                foreach (var preset in presets)
                {
                    context.Output.WriteLine(preset.Name);
                }
            }
            else
            {
                var table = CliTable.WithoutHeader(4);
                foreach (var preset in presets)
                {
                    table.Add([preset.Name, preset.Group, preset.Spec.ToString(), preset.Description]);
                }

                table.Write(context.Output);
            }

            return 0;
        });
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

            var resolved = read.Resolve();
            var (grammar, description) = (resolved.Grammar, resolved.Description);
            var report = GrammarAnalysis.Analyze(grammar);
            var (summary, unavailable) = EntropyRate(
                grammar, report, parse.GetValue(sentences), parse.GetValue(floor), parse.GetValue(docs), parse.GetValue(documentLength),
                source.Seed(parse), parse.GetValue(threads));
            if (parse.GetValue(json))
            {
                var document = new GrammarInfoDocument($"{ToolInfo.Name} {ToolInfo.Version}", description, report, summary, unavailable);
                context.Output.WriteLine(JsonSerializer.Serialize(document, JsonOptions.GetTypeInfo(typeof(GrammarInfoDocument))));
            }
            else
            {
                context.Output.Write(FormatTable(description, report));
                if (summary is not null)
                {
                    context.Output.Write(FloorCommand.FormatTable(string.Empty, summary, null));
                }
                else if (unavailable is not null)
                {
                    context.Output.WriteLine($"entropy rate       {unavailable}");
                }
            }

            return 0;
        });
        return command;
    }

    private static Command CreateSurvey(CliContext context)
    {
        var output = new Option<string>("--out", "-o") { Description = "Folder for survey.md and figures/.", Required = true };
        var random = new Option<int>("--random") { Description = "Random specs besides the presets.", DefaultValueFactory = _ => 24 };
        var randomSeed = new Option<ulong>("--random-seed") { Description = "Seed of the random specs.", DefaultValueFactory = _ => 1 };
        var sentences = new Option<int>("--sentences") { Description = "Sentences of each entropy-rate estimate.", DefaultValueFactory = _ => 4000 };
        var gzipDocs = new Option<int>("--gzip-docs") { Description = "Documents of each gzip median.", DefaultValueFactory = _ => PcfgLab.Compression.GzipSample.DefaultDocuments };
        var threads = new Option<int>("--threads") { Description = "Worker threads (the results do not depend on it).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("survey", "Gzip compressibility against the entropy rate across the presets (study presets at seeds 1-3) and random specs: table, correlations, figures.");
        foreach (var option in new Option[] { output, random, randomSeed, sentences, gzipDocs, threads })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, cancellationToken) =>
        {
            if (parse.GetValue(random) < 0 || parse.GetValue(gzipDocs) < 1)
            {
                throw new UserInputException("--random must be zero or positive and --gzip-docs positive.");
            }

            var grammars = PcfgLab.Reporting.ComplexitySurvey.DefaultGrammars(parse.GetValue(random), parse.GetValue(randomSeed));
            var result = PcfgLab.Reporting.ComplexitySurvey.Run(grammars, parse.GetValue(gzipDocs), parse.GetValue(sentences), parse.GetValue(threads), progress: new SyncProgress(context.Error), cancellationToken: cancellationToken);
            var markdown = PcfgLab.Reporting.ComplexitySurvey.Write(result, parse.GetValue(output)!);
            context.Output.Write(markdown);
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>Writes progress lines at once, on the calling thread (Progress&lt;T&gt; would post them later).</summary>
    private sealed class SyncProgress(TextWriter writer) : IProgress<string>
    {
        public void Report(string value) => writer.WriteLine(value);
    }

    /// <summary>
    /// The entropy rate (and with <paramref name="floor"/> the document-level floor) of the grammar's fast-profile
    /// sentences, or why it is not defined: no finite sentence, a critical conditioned grammar, token 0 as a word, an
    /// empty right-hand side. Never throws for those, so that 'grammar info' analyses any grammar.
    /// </summary>
    private static (PcfgLab.Floor.FloorSummary? Summary, string? Unavailable) EntropyRate(
        Grammar grammar, GrammarReport report, int sentences, bool floor, int documents, int documentLength, long seed, int threads)
    {
        if (sentences == 0 && !floor)
        {
            return (null, null);
        }

        if (floor && documents < 1)
        {
            throw new UserInputException($"--docs must be positive, got {documents}.");
        }

        if (!(report.StartTerminationProbability > 0))
        {
            return (null, "not defined: no finite sentence exists");
        }

        if (report.ConditionedIsCritical)
        {
            return (null, "not defined: the grammar conditioned on finite derivations is critical (infinite expected length)");
        }

        try
        {
            var summary = PcfgLab.Floor.FloorAnalysis.Analyze(
                PcfgLab.Sampling.CompiledGrammar.Renormalised(grammar), unchecked((ulong)seed), documentLength, floor ? documents : 0,
                Math.Max(sentences, 2), threads);
            return (summary, null);
        }
        catch (UserInputException ex) when (ex.Message.StartsWith("rule ", StringComparison.Ordinal) || ex.Message.StartsWith("a rule ", StringComparison.Ordinal)
                                           || ex.Message.StartsWith("the grammar", StringComparison.Ordinal))
        {
            return (null, "not defined: " + ex.Message);
        }
    }

    // Source-generated metadata; relaxed escaping keeps '+' in versions and quotes in names readable.
    private static readonly JsonSerializerOptions JsonOptions = new(GrammarJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

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

    /// <summary>The options that name a random grammar (a preset or the four sizes, the seed and the terminal ids), read into the library's <see cref="GrammarSource"/>.</summary>
    private sealed class GrammarSourceOptions
    {
        private readonly Option<string?> _preset = new("--preset", "-p") { Description = "Named spec, e.g. gzipscale-0.35 or 20_300_10_5 (see docs/grammars.md)." };
        private readonly Option<int?> _nonterminals = new("--nonterminals") { Description = "Number of nonterminals (besides S)." };
        private readonly Option<int?> _terminals = new("--terminals") { Description = "Number of terminals." };
        private readonly Option<int?> _maxOptions = new("--max-options") { Description = "Maximum right-hand sides per nonterminal." };
        private readonly Option<int?> _maxLength = new("--max-length") { Description = "Maximum right-hand-side length." };
        private readonly Option<long> _seed = new("--seed", "-s") { Description = "Seed (Python's random.seed).", DefaultValueFactory = _ => 1 };
        private readonly Option<int?> _firstTerminalId = new("--first-terminal-id") { Description = "Token id of terminal 0: 1 (default; 0 is the separator) or 0 (the reference's ids)." };
        private readonly Option<string> _compat = new("--compat") { Description = "fast (terminal ids from 1, as 'generate' writes them) or reference (the reference's terminal ids, from 0).", DefaultValueFactory = _ => "fast" };

        public void AddTo(Command command)
        {
            command.Options.Add(_preset);
            command.Options.Add(_nonterminals);
            command.Options.Add(_terminals);
            command.Options.Add(_maxOptions);
            command.Options.Add(_maxLength);
            command.Options.Add(_seed);
            command.Options.Add(_firstTerminalId);
            command.Options.Add(_compat);
        }

        /// <summary>The seed given (or defaulted): the grammar's for a spec, and the documents' for the floor.</summary>
        public long Seed(ParseResult parse) => parse.GetValue(_seed);

        /// <summary>The library's grammar source the options name, with <paramref name="file"/> (an argument) when given.</summary>
        public GrammarSource Read(ParseResult parse, string? file = null) => new()
        {
            File = file,
            Preset = parse.GetValue(_preset),
            Nonterminals = parse.GetValue(_nonterminals),
            Terminals = parse.GetValue(_terminals),
            MaxOptions = parse.GetValue(_maxOptions),
            MaxLength = parse.GetValue(_maxLength),
            Seed = parse.GetValue(_seed),
            FirstTerminalId = FirstTerminalId(parse),
        };

        private int FirstTerminalId(ParseResult parse)
        {
            var compat = parse.GetValue(_compat);
            var explicitId = parse.GetValue(_firstTerminalId);
            if (explicitId is not null and not (0 or 1))
            {
                return explicitId.Value; // the source refuses it, saying why
            }

            if (string.Equals(compat, "fast", StringComparison.OrdinalIgnoreCase))
            {
                return explicitId ?? RandomGrammarBuilder.DefaultFirstTerminalId;
            }

            if (!string.Equals(compat, "reference", StringComparison.OrdinalIgnoreCase))
            {
                throw new UserInputException($"--compat accepts fast or reference, got '{compat}'.");
            }

            if (explicitId is 1)
            {
                throw new UserInputException("--compat reference numbers terminals from 0; drop --first-terminal-id 1.");
            }

            return 0;
        }
    }
}

/// <summary>What <c>pcfglab grammar info --json</c> prints.</summary>
/// <param name="Tool">Tool name and version.</param>
/// <param name="Source">The file, or the preset/spec and seed, analysed.</param>
/// <param name="Report">The analysis.</param>
/// <param name="Floor">The entropy rate, with the document-level floor under --floor; null when skipped or not defined.</param>
/// <param name="FloorUnavailable">Why the entropy rate is not defined, or null.</param>
internal sealed record GrammarInfoDocument(string Tool, string Source, GrammarReport Report, PcfgLab.Floor.FloorSummary? Floor, string? FloorUnavailable);

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(GrammarInfoDocument))]
internal sealed partial class GrammarJsonContext : JsonSerializerContext;
