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
    public void An_empty_right_hand_side_is_refused_with_one_line()
    {
        var error = Assert.Throws<UserInputException>(() => Build(Read("S -> 'a' [0.5] | [0.5]\n")));
        Assert.StartsWith("rule S -> (empty)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Token_zero_as_a_word_is_refused_because_it_is_the_separator()
    {
        var error = Assert.Throws<UserInputException>(() => Build(Read("S -> '0' [0.5] | '1' [0.5]\n")));
        Assert.Contains("separator", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
