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
    public Seed Seed { get; init; } = new(1);

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
            throw UserInputException.ForParameters($"Give a grammar: a grammar file ({new Parameter("File")}), a preset ({new Parameter("Preset")}) or all four sizes ({new Parameter("Nonterminals")}, {new Parameter("Terminals")}, {new Parameter("MaxOptions")}, {new Parameter("MaxLength")}).");
        }

        if (sources > 1)
        {
            throw UserInputException.ForParameters($"Give one grammar, not several: a grammar file ({new Parameter("File")}), a preset ({new Parameter("Preset")}) or the four sizes ({new Parameter("Nonterminals")}, {new Parameter("Terminals")}, {new Parameter("MaxOptions")}, {new Parameter("MaxLength")}).");
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

        Seed.ThrowIfNegative("Seed");
        if (FirstTerminalId is not (0 or 1))
        {
            throw UserInputException.ForParameters($"{new Parameter("FirstTerminalId")} must be 1 (0 is the separator) or 0 (the reference's ids), got {FirstTerminalId}.");
        }

        var grammar = RandomGrammarBuilder.Build(spec, Seed.Value, FirstTerminalId);
        var seed = Seed.ToString();
        return presetName is null
            ? new DatasetGrammar(grammar, spec, null, "spec") { Description = $"spec {spec} seed {seed}" }
            : new DatasetGrammar(grammar, spec, presetName, "preset") { Description = $"preset {presetName} {spec} seed {seed}" };
    }

    private GrammarSpec Spec()
    {
        int?[] sizes = [Nonterminals, Terminals, MaxOptions, MaxLength];
        Parameter[] names = [new(nameof(Nonterminals)), new(nameof(Terminals)), new(nameof(MaxOptions)), new(nameof(MaxLength))];
        for (var k = 0; k < sizes.Length; k++)
        {
            if (sizes[k] is null)
            {
                throw UserInputException.ForParameters($"{names[k]} is missing: give all four sizes ({new Parameter("Nonterminals")}, {new Parameter("Terminals")}, {new Parameter("MaxOptions")}, {new Parameter("MaxLength")}) or a preset ({new Parameter("Preset")}).");
            }

            if (sizes[k] < 1)
            {
                throw UserInputException.ForParameters($"{names[k]} must be a positive integer, got {sizes[k]}.");
            }
        }

        return new GrammarSpec(Nonterminals!.Value, Terminals!.Value, MaxOptions!.Value, MaxLength!.Value);
    }
}
