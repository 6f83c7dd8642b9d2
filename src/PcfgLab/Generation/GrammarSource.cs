using System.Globalization;
using PcfgLab.Grammars;

namespace PcfgLab.Generation;

/// <summary>
/// Where a grammar comes from: a file in NLTK's format, a named preset, or the four sizes of a random spec, with
/// the seed and the terminal ids of a random one. One rule for every command: exactly one of the three, all four
/// sizes positive, a seed of zero or more.
/// </summary>
public sealed record GrammarSource
{
    /// <summary>A grammar file in NLTK's PCFG format, or null.</summary>
    public string? File { get; init; }

    /// <summary>A preset's name or spec slug (see <see cref="GrammarPresets.Get"/>), or null.</summary>
    public string? Preset { get; init; }

    /// <summary>Random spec: number of nonterminals besides S, or null.</summary>
    public int? Nonterminals { get; init; }

    /// <summary>Random spec: number of terminals, or null.</summary>
    public int? Terminals { get; init; }

    /// <summary>Random spec: most right-hand sides per nonterminal, or null.</summary>
    public int? MaxOptions { get; init; }

    /// <summary>Random spec: longest right-hand side, or null.</summary>
    public int? MaxLength { get; init; }

    /// <summary>Seed of a random grammar (a preset's or a spec's), as Python's <c>random.seed</c>.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>
    /// Token id of terminal 0 in a random grammar: 1 (0 is the separator) or 0 (the reference's ids, which the
    /// reference profile samples). A grammar file keeps its own ids.
    /// </summary>
    public int FirstTerminalId { get; init; } = RandomGrammarBuilder.DefaultFirstTerminalId;

    /// <summary>True when no file, preset or size is given.</summary>
    public bool IsEmpty => File is null && Preset is null && !AnySize;

    private bool AnySize => Nonterminals is not null || Terminals is not null || MaxOptions is not null || MaxLength is not null;

    /// <summary>
    /// Loads or builds the grammar. Throws <see cref="UserInputException"/> when the source names no grammar or
    /// several, a size is missing or not positive, the seed is negative, the terminal ids are neither 1 nor 0, the
    /// preset is unknown, or the file is missing or malformed.
    /// </summary>
    public DatasetGrammar Resolve()
    {
        var sources = (File is null ? 0 : 1) + (Preset is null ? 0 : 1) + (AnySize ? 1 : 0);
        if (sources == 0)
        {
            throw new UserInputException("Give a grammar: a grammar file (--grammar), a preset (--preset) or all four sizes (--nonterminals, --terminals, --max-options, --max-length).");
        }

        if (sources > 1)
        {
            throw new UserInputException("Give one grammar, not several: a grammar file (--grammar), a preset (--preset) or the four sizes (--nonterminals, --terminals, --max-options, --max-length).");
        }

        if (File is not null)
        {
            return new DatasetGrammar(NltkGrammarFormat.Load(File), null, null, "file " + Path.GetFileName(File)) { Description = File };
        }

        GrammarSpec spec;
        string? presetName = null;
        if (Preset is not null)
        {
            var preset = GrammarPresets.Get(Preset);
            spec = preset.Spec;
            presetName = preset.Name;
        }
        else
        {
            spec = Spec();
        }

        if (Seed < 0)
        {
            throw new UserInputException($"--seed must be zero or positive, got {Seed}.");
        }

        if (FirstTerminalId is not (0 or 1))
        {
            throw new UserInputException(string.Create(CultureInfo.InvariantCulture, $"--first-terminal-id must be 1 (0 is the separator) or 0 (the reference's ids), got {FirstTerminalId}."));
        }

        var grammar = RandomGrammarBuilder.Build(spec, Seed, FirstTerminalId);
        var seed = Seed.ToString(CultureInfo.InvariantCulture);
        return presetName is null
            ? new DatasetGrammar(grammar, spec, null, "spec") { Description = $"spec {spec} seed {seed}" }
            : new DatasetGrammar(grammar, spec, presetName, "preset") { Description = $"preset {presetName} {spec} seed {seed}" };
    }

    private GrammarSpec Spec()
    {
        int?[] sizes = [Nonterminals, Terminals, MaxOptions, MaxLength];
        string[] names = ["--nonterminals", "--terminals", "--max-options", "--max-length"];
        for (var k = 0; k < sizes.Length; k++)
        {
            if (sizes[k] is null)
            {
                throw new UserInputException($"{names[k]} is missing: give all four sizes (--nonterminals, --terminals, --max-options, --max-length) or a preset (--preset).");
            }

            if (sizes[k] < 1)
            {
                throw new UserInputException(string.Create(CultureInfo.InvariantCulture, $"{names[k]} must be a positive integer, got {sizes[k]}."));
            }
        }

        return new GrammarSpec(Nonterminals!.Value, Terminals!.Value, MaxOptions!.Value, MaxLength!.Value);
    }
}
