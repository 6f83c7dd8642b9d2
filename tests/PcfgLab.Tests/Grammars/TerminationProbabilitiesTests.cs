using PcfgLab.Grammars;

namespace PcfgLab.Tests.Grammars;

public sealed class TerminationProbabilitiesTests
{
    private static Grammar Binary(double branch)
    {
        // A -> A A [branch] | 'a' [1 - branch]: q = branch q^2 + (1 - branch), least root min(1, (1-branch)/branch).
        Production[] rules =
        [
            new(0, [SymbolCode.Nonterminal(0), SymbolCode.Nonterminal(0)], branch),
            new(0, [1], 1 - branch),
        ];
        return new Grammar(["A"], 0, [rules]);
    }

    [Theory]
    [InlineData(0.3, 1.0)]
    [InlineData(0.6, 2.0 / 3.0)]
    [InlineData(0.9, 1.0 / 9.0)]
    public void Binary_branching_has_the_closed_form_least_root(double branch, double expected)
    {
        Assert.Equal(expected, TerminationProbabilities.Compute(Binary(branch))[0], 12);
    }

    [Fact]
    public void A_critical_grammar_converges_to_one()
    {
        // Branch 0.5 is critical: Kleene alone creeps toward 1 as 1 - 2/k; Newton must get close.
        Assert.Equal(1.0, TerminationProbabilities.Compute(Binary(0.5))[0], 6);
    }

    [Fact]
    public void Unit_cycles_and_unproductive_nonterminals_get_zero()
    {
        // Reference seed 7 of (3,20,2,2): N1 -> N1 and N2 -> N2 '4' never finish; q_S = 0.718/3.
        var g = RandomGrammarBuilder.Build(new GrammarSpec(3, 20, 2, 2), 7, firstTerminalId: 0);
        var q = TerminationProbabilities.Compute(g);
        Assert.Equal(0.0, q[2]);
        Assert.Equal(0.0, q[3]);
        Assert.Equal(0.7183098591549296, q[1], 15);
        Assert.Equal(0.7183098591549296 / 3, q[0], 15);
    }

    [Fact]
    public void Result_is_a_fixed_point_for_a_supercritical_random_grammar()
    {
        var g = RandomGrammarBuilder.Build(new GrammarSpec(100, 300, 100, 30), 1);
        var q = TerminationProbabilities.Compute(g);
        var f = new double[q.Length];
        TerminationProbabilities.Apply(g, q, f);
        for (var a = 0; a < q.Length; a++)
        {
            Assert.InRange(q[a], 0.0, 1.0);
            Assert.Equal(q[a], f[a], 10);
        }

        // The reference measured an acceptance rate of 0.118 on this spec and q_S = 0.114 (seed-dependent).
        Assert.InRange(q[0], 0.0, 0.9);
    }

    [Fact]
    public void A_chain_longer_than_any_iteration_budget_terminates_with_probability_one()
    {
        // 5,000 links: the whole-grammar Kleene iteration stopped after 2,000 steps with q_N0 = 0.
        var q = TerminationProbabilities.Compute(GrammarAnalysisTests.Chain(5_000));
        Assert.All(q, value => Assert.Equal(1.0, value));
    }

    [Fact]
    public void Every_preset_keeps_its_termination_probabilities_bit_for_bit()
    {
        // Where the per-component Kleene iteration settles it is the least fixed point of the rounded equations:
        // the same doubles the whole-grammar iteration gave, so samplers keep their alias tables and datasets.
        foreach (var preset in GrammarPresets.All)
        {
            var grammar = RandomGrammarBuilder.Build(preset.Spec, 1);
            var q = TerminationProbabilities.Compute(grammar);
            var reference = WholeGrammarKleene(grammar);
            Assert.Equal(reference, q);
        }
    }

    [Fact]
    public void A_component_that_cannot_finish_gets_exactly_zero_beside_one_that_can()
    {
        // S -> A [0.5] | B [0.5]; A -> A A [0.5] | 'a' [0.5] (critical, q = 1); B -> B 'b' [1.0] (never finishes).
        var g = new Grammar(
            ["S", "A", "B"],
            0,
            [
                [new Production(0, [SymbolCode.Nonterminal(1)], 0.5), new Production(0, [SymbolCode.Nonterminal(2)], 0.5)],
                [new Production(1, [SymbolCode.Nonterminal(1), SymbolCode.Nonterminal(1)], 0.5), new Production(1, [1], 0.5)],
                [new Production(2, [SymbolCode.Nonterminal(2), 2], 1.0)],
            ]);
        var q = TerminationProbabilities.Compute(g);
        Assert.Equal(0.0, q[2]);
        Assert.Equal(1.0, q[1], 6);
        Assert.Equal(0.5, q[0], 6);
    }

    /// <summary>The previous algorithm's first phase: Kleene over the whole grammar until nothing changes.</summary>
    private static double[] WholeGrammarKleene(Grammar grammar)
    {
        var q = new double[grammar.NonterminalCount];
        var next = new double[grammar.NonterminalCount];
        for (var step = 0; step < 100_000; step++)
        {
            TerminationProbabilities.Apply(grammar, q, next);
            (q, next) = (next, q);
            if (q.AsSpan().SequenceEqual(next))
            {
                return q;
            }
        }

        throw new InvalidOperationException("Kleene did not settle");
    }
}
