using PcfgLab.Grammars;
using PcfgLab.Sampling;

namespace PcfgLab.Tests.Sampling;

public sealed class CompiledGrammarTests
{
    internal static Grammar Binary(double branch, int leaf = 1)
    {
        Production[] rules =
        [
            new(0, [SymbolCode.Nonterminal(0), SymbolCode.Nonterminal(0)], branch),
            new(0, [leaf], 1 - branch),
        ];
        return new Grammar(["A"], 0, [rules]);
    }

    [Fact]
    public void Supercritical_binary_grammar_becomes_its_subcritical_dual()
    {
        // A -> A A [0.9] | 'a' [0.1]: q = 1/9, p'(A A) = 0.9 q^2 / q = 0.1 and p'('a') = 0.1 / q = 0.9.
        var compiled = CompiledGrammar.Renormalised(Binary(0.9));
        Assert.Equal(1.0 / 9, compiled.StartTerminationProbability, 12);
        Assert.Equal(0.1, compiled.RenormalisedProbabilities(0)[0], 12);
        Assert.Equal(0.9, compiled.RenormalisedProbabilities(0)[1], 12);
    }

    [Fact]
    public void Subcritical_grammar_is_unchanged()
    {
        var compiled = CompiledGrammar.Renormalised(Binary(0.3));
        Assert.Equal(1.0, compiled.StartTerminationProbability, 12);
        Assert.Equal(0.3, compiled.RenormalisedProbabilities(0)[0], 12);
        Assert.Equal(0.7, compiled.RenormalisedProbabilities(0)[1], 12);
    }

    [Fact]
    public void Unit_cycle_grammar_keeps_only_the_finishing_rules()
    {
        // Reference seed 7 of (3,20,2,2): S -> N0 | N1 | N2 [1/3 each], N0 -> N2 | '8', N1 -> N1, N2 -> N2 '4'.
        // q_N1 = q_N2 = 0, q_N0 = 0.718..., q_S = 0.718... / 3 = 0.239: only S -> N0 -> '8' survives.
        var g = RandomGrammarBuilder.Build(new GrammarSpec(3, 20, 2, 2), 7, firstTerminalId: 0);
        var compiled = CompiledGrammar.Renormalised(g);
        Assert.Equal(0.7183098591549296 / 3, compiled.StartTerminationProbability, 15);
        Assert.Equal([1.0, 0.0, 0.0], compiled.RenormalisedProbabilities(0));
        Assert.Equal([0.0, 1.0], compiled.RenormalisedProbabilities(1));
        Assert.Equal([0.0], compiled.RenormalisedProbabilities(2));
        Assert.Equal([0.0], compiled.RenormalisedProbabilities(3));
        Assert.Equal(0, compiled.NonterminalRuleCount[2]);
        Assert.Equal(0, compiled.NonterminalRuleCount[3]);
        Assert.Equal(1, compiled.NonterminalRuleCount[0]);
    }

    [Fact]
    public void Start_symbol_without_finite_derivations_is_a_user_error()
    {
        // A -> A 'a' never finishes.
        Production[] rules = [new(0, [SymbolCode.Nonterminal(0), 1], 1.0)];
        var g = new Grammar(["A"], 0, [rules]);
        var error = Assert.Throws<UserInputException>(() => CompiledGrammar.Renormalised(g));
        Assert.StartsWith("the start symbol cannot derive a finite sentence (q_S = 0): ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Renormalised_probabilities_sum_to_one_on_a_supercritical_random_grammar()
    {
        // (100,300,100,30) seed 1 has spectral radius about 3.9 and q_S about 0.1.
        var g = RandomGrammarBuilder.Build(new GrammarSpec(100, 300, 100, 30), 1);
        var compiled = CompiledGrammar.Renormalised(g);
        Assert.InRange(compiled.StartTerminationProbability, 1e-6, 0.9);
        for (var a = 0; a < g.NonterminalCount; a++)
        {
            var sum = 0.0;
            foreach (var p in compiled.RenormalisedProbabilities(a))
            {
                Assert.InRange(p, 0.0, 1.0);
                sum += p;
            }

            if (compiled.TerminationProbabilities[a] > 0)
            {
                // q solves the fixed point to about 1e-15; dividing by q_A keeps the sum within 1e-9 of 1.
                Assert.Equal(1.0, sum, 9);
            }
            else
            {
                Assert.Equal(0.0, sum);
            }
        }
    }

    [Fact]
    public void Alias_tables_give_each_compiled_rule_its_renormalised_probability()
    {
        var g = RandomGrammarBuilder.Build(new GrammarSpec(50, 500, 20, 15), 10);
        var compiled = CompiledGrammar.Renormalised(g);
        for (var a = 0; a < g.NonterminalCount; a++)
        {
            var count = compiled.NonterminalRuleCount[a];
            var first = compiled.NonterminalRuleBase[a];
            var mass = new double[count];
            for (var c = 0; c < count; c++)
            {
                var keep = compiled.AliasThresholds[first + c] / 18446744073709551616.0;
                mass[c] += keep / count;
                mass[compiled.AliasTargets[first + c] - first] += (1 - keep) / count;
            }

            for (var c = 0; c < count; c++)
            {
                var source = compiled.RuleSourceIndex[first + c];
                Assert.Equal(compiled.RenormalisedProbabilities(a)[source], mass[c], 9);
                Assert.Equal(Math.Log2(compiled.RenormalisedProbabilities(a)[source]), compiled.RuleLog2Probability[first + c], 12);
            }
        }
    }
}
