using System.CommandLine;
using PcfgLab.Generation;
using PcfgLab.Grammars;

namespace PcfgLab.Cli.Commands;

/// <summary>The options that name a random grammar (a preset or the four sizes, the seed and the terminal ids), read into the library's <see cref="GrammarSource"/>.</summary>
internal sealed class GrammarSourceOptions
{
    private readonly Option<string?> _preset = new("--preset", "-p") { Description = "Named spec, e.g. gzipscale-0.35 or 20_300_10_5 (see docs/grammars.md)." };
    private readonly Option<int?> _nonterminals = new("--nonterminals") { Description = "Number of nonterminals (besides S)." };
    private readonly Option<int?> _terminals = new("--terminals") { Description = "Number of terminals." };
    private readonly Option<int?> _maxOptions = new("--max-options") { Description = "Maximum right-hand sides per nonterminal." };
    private readonly Option<int?> _maxLength = new("--max-length") { Description = "Maximum right-hand-side length." };
    private readonly Option<Seed> _seed = SeedOption.Create("Seed (Python's random.seed).");
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
