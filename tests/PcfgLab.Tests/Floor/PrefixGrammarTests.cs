using PcfgLab.Floor;
using PcfgLab.Grammars;
using PcfgLab.Sampling;

namespace PcfgLab.Tests.Floor;

public sealed class PrefixGrammarTests
{
    private static PrefixGrammar Build(Grammar grammar) => PrefixGrammar.Build(CompiledGrammar.Renormalised(grammar));

    private static Grammar Read(string text) => NltkGrammarFormat.Read(new StringReader(text), "test.pcfg");

    [Fact]
    public void Unit_closure_sums_the_unit_cycle_in_closed_form()
    {
        // P_U = [[0, 0.3], [0.5, 0]]: (I - P_U)^-1 = [[1, 0.3], [0.5, 1]] / 0.85. The parser reads row A (the start
        // symbol) only: no item waits for B and no rule starts with it.
        var g = Build(FloorGrammars.UnitCycle());
        Assert.Equal(1 / 0.85, g.UnitValue(0, 0), 14);
        Assert.Equal(0.3 / 0.85, g.UnitValue(0, 1), 14);
        Assert.Equal(0.0, g.UnitValue(1, 0));
        Assert.Equal(1 / 0.85, g.LeftCornerValue(0, 0), 14);
        Assert.Equal(0.3 / 0.85, g.LeftCornerValue(0, 1), 14);

        // Unit rules are only in the closures: the kept rules are A -> x and B -> y.
        Assert.Equal(2, g.RuleCount);
    }

    [Fact]
    public void Left_corner_closure_sums_left_recursion()
    {
        // A -> A x [0.4]: R_L[A, A] = 1 / (1 - 0.4).
        var g = Build(FloorGrammars.LeftRecursive());
        Assert.Equal(1 / 0.6, g.LeftCornerValue(0, 0), 14);
        Assert.Equal(0.0, g.UnitValue(0, 0) - 1.0, 14);
    }

    [Fact]
    public void Closures_use_the_renormalised_probabilities()
    {
        // A -> A A [0.6] | a [0.4] conditioned on finishing is A -> A A [0.4] | a [0.6]: R_L[A, A] = 1 / 0.6.
        var g = Build(FloorGrammars.File("handwritten/supercritical-binary.pcfg"));
        Assert.Equal(1 / 0.6, g.LeftCornerValue(0, 0), 12);
    }

    [Fact]
    public void First_terminals_follow_left_corners()
    {
        var grammar = FloorGrammars.File("handwritten/arithmetic.pcfg");
        var g = Build(grammar);
        var vocabulary = grammar.Vocabulary!.ToList();
        var expr = SymbolCode.Nonterminal(Enumerable.Range(0, grammar.NonterminalCount).First(a => grammar.NonterminalName(a) == "Expr"));
        Assert.True(g.CanStart(expr, vocabulary.IndexOf("(")));
        Assert.True(g.CanStart(expr, vocabulary.IndexOf("7")));
        Assert.False(g.CanStart(expr, vocabulary.IndexOf("+")));
        Assert.False(g.CanStart(expr, vocabulary.IndexOf(")")));
        Assert.False(g.CanStart(expr, g.TerminalLimit + 5));
        Assert.True(g.CanStart(vocabulary.IndexOf("+"), vocabulary.IndexOf("+")));
        Assert.False(g.CanStart(vocabulary.IndexOf("+"), vocabulary.IndexOf("-")));
    }

    [Fact]
    public void Left_corner_lists_hold_exactly_the_nonterminals_that_can_start_a_token()
    {
        var grammar = RandomGrammarBuilder.Build(new GrammarSpec(10, 150, 5, 3), 1);
        var g = Build(grammar);
        Assert.Equal(grammar.MaxTerminalId + 1, g.TerminalLimit);
        for (var t = 1; t < g.TerminalLimit; t++)
        {
            var listed = g.LeftCorners.AsSpan(g.LeftCornerStart[t], g.LeftCornerStart[t + 1] - g.LeftCornerStart[t]).ToArray();
            var expected = Enumerable.Range(0, g.NonterminalCount)
                .Where(a => g.CanStart(SymbolCode.Nonterminal(a), t) && g.LeftCornerColumn[a] >= 0).ToArray();
            Assert.Equal(expected, listed);
        }
    }

    [Fact]
    public void A_five_thousand_link_unit_chain_stores_one_closure_entry_each_not_the_square()
    {
        // Only N0 (the start) is read as a row and only N5000 has a kept rule: the closures hold R[N0, N5000] = 1,
        // where a dense closure held 5,001 x 5,001 entries.
        var g = Build(FloorGrammars.UnitChain(5000));
        Assert.Equal(1, g.RuleCount);
        Assert.Single(g.LeftCornerClosure);
        Assert.Equal(1.0, g.LeftCornerValue(0, 5000));
        Assert.Equal([0], g.UnitAncestors);
        Assert.Equal(1.0, g.UnitValue(0, 5000));
        Assert.True(g.CanStart(SymbolCode.Nonterminal(0), 1));
        Assert.True(g.CanStart(SymbolCode.Nonterminal(2500), 1));
        Assert.Equal([5000], g.LeftCorners.AsSpan(g.LeftCornerStart[1], g.LeftCornerStart[2] - g.LeftCornerStart[1]).ToArray());
    }

    [Fact]
    public void Sparse_closures_of_a_large_grammar_agree_with_the_dense_ones_of_a_small_copy()
    {
        // A left-recursive, unit-cyclic core (A -> A x | B | y, B -> A | z A) behind a unit chain long enough to take
        // the sparse path: the core's closure values must be those of the core alone (dense path).
        const string Core = "A -> A 'x' [0.3] | B [0.2] | 'y' [0.5]\nB -> A [0.4] | 'z' A [0.6]\n";
        var small = Build(Read("S -> A [1.0]\n" + Core));
        var chain = new System.Text.StringBuilder();
        for (var i = 0; i < PrefixGrammar.DenseLimit + 10; i++)
        {
            chain.Append(System.Globalization.CultureInfo.InvariantCulture, $"S{i} -> S{i + 1} [1.0]\n");
        }

        chain.Append(System.Globalization.CultureInfo.InvariantCulture, $"S{PrefixGrammar.DenseLimit + 10} -> A [1.0]\n");
        var large = Build(Read(chain + Core));
        Assert.True(large.NonterminalCount > PrefixGrammar.DenseLimit);
        var (sa, ss) = (Index(small, "A"), Index(small, "S"));
        var (la, ls) = (Index(large, "A"), Index(large, "S0"));
        Assert.Equal(small.LeftCornerValue(sa, sa), large.LeftCornerValue(la, la), 14);
        Assert.Equal(small.LeftCornerValue(ss, sa), large.LeftCornerValue(ls, la), 14);
        Assert.Equal(small.LeftCornerValue(ss, Index(small, "B")), large.LeftCornerValue(ls, Index(large, "B")), 14);
        Assert.Equal(small.UnitValue(ss, sa), large.UnitValue(ls, la), 14);
        Assert.Equal(small.UnitValue(ss, Index(small, "B")), large.UnitValue(ls, Index(large, "B")), 14);
        Assert.Equal(small.UnitValue(sa, sa), large.UnitValue(la, la), 14);
    }

    private static int Index(PrefixGrammar g, string name) =>
        Enumerable.Range(0, g.NonterminalCount).First(a => g.Compiled.Source.NonterminalName(a) == name);

    [Fact]
    public void An_empty_right_hand_side_is_refused_with_one_line()
    {
        var error = Assert.Throws<UserInputException>(() => Build(Read("S -> 'a' [0.5] | [0.5]\n")));
        Assert.StartsWith("rule S -> (empty)", error.Message, StringComparison.Ordinal);
        Assert.True(UndefinedFloorException.IsUndefined(error));
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Token_zero_as_a_word_is_refused_because_it_is_the_separator()
    {
        var error = Assert.Throws<UserInputException>(() => Build(Read("S -> '0' [0.5] | '1' [0.5]\n")));
        Assert.Contains("separator", error.Message, StringComparison.Ordinal);
        Assert.True(UndefinedFloorException.IsUndefined(error));
        Assert.DoesNotContain('\n', error.Message);
    }
}
