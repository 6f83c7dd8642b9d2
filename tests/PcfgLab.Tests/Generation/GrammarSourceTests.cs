using PcfgLab.Generation;
using PcfgLab.Grammars;
using PcfgLab.Sampling;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Generation;

public sealed class GrammarSourceTests
{
    private static readonly GrammarSpec Spec = new(20, 300, 10, 5);

    private static GrammarSource Sizes(int? n = 20, int? t = 300, int? o = 10, int? l = 5) =>
        new() { Nonterminals = n, Terminals = t, MaxOptions = o, MaxLength = l };

    [Fact]
    public void Four_sizes_build_the_random_grammar_of_the_seed()
    {
        var resolved = (Sizes() with { Seed = new(7) }).Resolve();

        Assert.Equal(Spec, resolved.Spec);
        Assert.Null(resolved.Preset);
        Assert.Equal("spec", resolved.Source);
        Assert.Equal("spec (20,300,10,5) seed 7", resolved.Description);
        Assert.Equal(Text(RandomGrammarBuilder.Build(Spec, 7)), Text(resolved.Grammar));
    }

    [Theory]
    [InlineData("gzipscale-0.35")]
    [InlineData("GZIPSCALE-0.35")]
    [InlineData("20_300_10_5")]
    public void A_preset_by_name_or_slug_gives_its_spec_and_canonical_name(string name)
    {
        var resolved = new GrammarSource { Preset = name, Seed = new(3) }.Resolve();

        Assert.Equal(Spec, resolved.Spec);
        Assert.Equal("gzipscale-0.35", resolved.Preset);
        Assert.Equal("preset", resolved.Source);
        Assert.Equal("preset gzipscale-0.35 (20,300,10,5) seed 3", resolved.Description);
        Assert.Equal(Text(RandomGrammarBuilder.Build(Spec, 3)), Text(resolved.Grammar));
    }

    [Fact]
    public void Terminal_ids_from_zero_give_the_reference_samplers_grammar()
    {
        var resolved = new GrammarSource { Preset = "gzipscale-0.35", Seed = new(2), FirstTerminalId = 0 }.Resolve();

        Assert.Equal(Text(new ReferenceSampler(Spec, new Seed(2)).Grammar), Text(resolved.Grammar));
        Assert.NotEqual(Text(RandomGrammarBuilder.Build(Spec, 2)), Text(resolved.Grammar));
    }

    [Fact]
    public void A_file_is_loaded_as_it_is_and_described_by_its_path()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "g.pcfg");
        File.WriteAllText(path, "S -> '1' [0.25] | '2' [0.75]\n");

        var resolved = new GrammarSource { File = path, Seed = new(-1), FirstTerminalId = 9 }.Resolve();

        Assert.Null(resolved.Spec);
        Assert.Null(resolved.Preset);
        Assert.Equal("file g.pcfg", resolved.Source);
        Assert.Equal(path, resolved.Description);
        Assert.Equal(2, resolved.Grammar.RuleCount);
    }

    [Fact]
    public void No_source_is_empty_and_refused()
    {
        var empty = new GrammarSource { Seed = new(4) };

        Assert.True(empty.IsEmpty);
        Assert.False(Sizes(n: null, t: null, o: null).IsEmpty);
        var error = Assert.Throws<UserInputException>(() => empty.Resolve());
        Assert.StartsWith("Give a grammar: ", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<GrammarSource> SeveralSources() => new()
    {
        new GrammarSource { File = "g.pcfg", Preset = "gzipscale-0.35" },
        new GrammarSource { Preset = "gzipscale-0.35", Terminals = 5 },
        new GrammarSource { File = "g.pcfg", Nonterminals = 20, Terminals = 300, MaxOptions = 10, MaxLength = 5 },
    };

    [Theory]
    [MemberData(nameof(SeveralSources))]
    public void Several_sources_are_refused_before_anything_is_read(GrammarSource source)
    {
        var error = Assert.Throws<UserInputException>(() => source.Resolve());

        Assert.StartsWith("Give one grammar, not several: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_size_is_named()
    {
        var error = Assert.Throws<UserInputException>(() => Sizes(o: null, l: null).Resolve());

        Assert.StartsWith("MaxOptions is missing: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 300, 10, 5, "Nonterminals must be a positive integer, got 0.")]
    [InlineData(20, -3, 10, 5, "Terminals must be a positive integer, got -3.")]
    [InlineData(20, 300, 0, 5, "MaxOptions must be a positive integer, got 0.")]
    [InlineData(20, 300, 10, -1, "MaxLength must be a positive integer, got -1.")]
    public void A_size_below_one_is_refused_naming_it(int n, int t, int o, int l, string expected)
    {
        Assert.Equal(expected, Assert.Throws<UserInputException>(() => Sizes(n, t, o, l).Resolve()).Message);
    }

    [Fact]
    public void A_negative_seed_and_other_terminal_ids_are_refused_for_a_random_grammar()
    {
        Assert.Equal("Seed must be zero or positive, got -2.",
            Assert.Throws<UserInputException>(() => (Sizes() with { Seed = new(-2) }).Resolve()).Message);
        Assert.StartsWith("FirstTerminalId must be 1 (0 is the separator) or 0 (the reference's ids), got 2.",
            Assert.Throws<UserInputException>(() => new GrammarSource { Preset = "gzipscale-0.35", FirstTerminalId = 2 }.Resolve()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_preset_lists_the_known_ones()
    {
        var error = Assert.Throws<UserInputException>(() => new GrammarSource { Preset = "nope" }.Resolve());

        Assert.StartsWith("Unknown grammar preset 'nope'; known presets: gzipscale-0.11", error.Message, StringComparison.Ordinal);
    }

    private static string Text(Grammar grammar)
    {
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        NltkGrammarFormat.Write(grammar, writer);
        return writer.ToString();
    }
}
