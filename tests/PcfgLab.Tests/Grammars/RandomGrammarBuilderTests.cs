using PcfgLab.Grammars;

namespace PcfgLab.Tests.Grammars;

public sealed class RandomGrammarBuilderTests
{
    // Printed by the reference's create_random_pcfg after random.seed(7) for (3,20,2,2):
    // N0 -> N2 [0.28169014084507044] | '8' [0.7183098591549296]
    // N1 -> N1 [1.0]
    // N2 -> N2 '4' [1.0]
    [Fact]
    public void Seed_7_of_the_smallest_preset_is_the_reference_grammar()
    {
        var g = RandomGrammarBuilder.Build(new GrammarSpec(3, 20, 2, 2), 7, firstTerminalId: 0);

        Assert.Equal(4, g.NonterminalCount);
        Assert.Equal("S", g.NonterminalName(g.Start));
        Assert.All(g.RulesOf(0), p => Assert.Equal(1.0 / 3, p.Probability));

        var n0 = g.RulesOf(1);
        Assert.Equal(2, n0.Count);
        Assert.Equal([SymbolCode.Nonterminal(3)], n0[0].Rhs);
        Assert.Equal(0.28169014084507044, n0[0].Probability);
        Assert.Equal([8], n0[1].Rhs);
        Assert.Equal(0.7183098591549296, n0[1].Probability);

        Assert.Equal([SymbolCode.Nonterminal(2)], Assert.Single(g.RulesOf(2)).Rhs);
        Assert.Equal([SymbolCode.Nonterminal(3), 4], Assert.Single(g.RulesOf(3)).Rhs);
    }

    [Fact]
    public void Default_ids_shift_terminals_by_one_and_keep_the_structure()
    {
        var spec = new GrammarSpec(20, 300, 10, 5);
        var reference = RandomGrammarBuilder.Build(spec, 3, firstTerminalId: 0);
        var shifted = RandomGrammarBuilder.Build(spec, 3);

        Assert.Equal(reference.RuleCount, shifted.RuleCount);
        using var a = reference.AllRules().GetEnumerator();
        using var b = shifted.AllRules().GetEnumerator();
        while (a.MoveNext() && b.MoveNext())
        {
            Assert.Equal(a.Current.Probability, b.Current.Probability);
            Assert.Equal(a.Current.Rhs.Count, b.Current.Rhs.Count);
            for (var i = 0; i < a.Current.Rhs.Count; i++)
            {
                var x = a.Current.Rhs[i];
                Assert.Equal(SymbolCode.IsNonterminal(x) ? x : x + 1, b.Current.Rhs[i]);
            }
        }

        Assert.True(shifted.TerminalIds()[0] >= 1);
        Assert.True(shifted.MaxTerminalId <= 300);
    }

    [Fact]
    public void Rule_counts_lengths_and_symbols_follow_the_uniform_distribution()
    {
        // 2000 nonterminals of (n=2000, t=2000, 10, 8): options ~ U{1..10} has mean 5.5 and sd 2.87,
        // so the mean over 2000 lies within 5.5 +- 0.26 (4 standard errors); lengths ~ U{1..8}, mean 4.5.
        var g = RandomGrammarBuilder.Build(new GrammarSpec(2000, 2000, 10, 8), 11);
        double options = 0, length = 0, rules = 0, nonterminalSymbols = 0;
        for (var a = 1; a < g.NonterminalCount; a++)
        {
            var list = g.RulesOf(a);
            options += list.Count;
            var sum = 0.0;
            foreach (var p in list)
            {
                sum += p.Probability;
                rules++;
                length += p.Rhs.Count;
                foreach (var c in p.Rhs)
                {
                    nonterminalSymbols += SymbolCode.IsNonterminal(c) ? 1 : 0;
                }
            }

            Assert.Equal(1.0, sum, 12);
        }

        Assert.InRange(options / 2000, 5.5 - 0.26, 5.5 + 0.26);
        Assert.InRange(length / rules, 4.5 - 0.05, 4.5 + 0.05);
        // Half the symbols are nonterminals (n = t); binomial sd over ~50k symbols is 0.0023.
        Assert.InRange(nonterminalSymbols / length, 0.49, 0.51);
    }

    [Theory]
    [InlineData(0, 10, 2, 2, "Nonterminals must be a positive integer, got 0.")]
    [InlineData(3, -1, 2, 2, "Terminals must be a positive integer, got -1.")]
    [InlineData(3, 10, 0, 2, "MaxOptions must be a positive integer, got 0.")]
    [InlineData(3, 10, 2, 0, "MaxLength must be a positive integer, got 0.")]
    public void Non_positive_sizes_are_rejected_naming_the_field(int n, int t, int o, int l, string expected)
    {
        var ex = Assert.Throws<UserInputException>(() => RandomGrammarBuilder.Build(new GrammarSpec(n, t, o, l), 1));
        Assert.Equal(expected, ex.Message);
    }
}
