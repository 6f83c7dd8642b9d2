using MathNet.Numerics;
using PcfgLab.Floor;
using PcfgLab.Grammars;
using PcfgLab.Sampling;

namespace PcfgLab.Tests.Floor;

public sealed class EntropyRateTests
{
    /// <summary>
    /// H(S) of S -&gt; S S [b] | a [qa] | b [qb] in closed form: a string of length L has probability C(L-1) b^(L-1) prod q,
    /// so H(S) = sum over L of C(L-1) b^(L-1) [ (qa + qb)^L (-ln(C(L-1) b^(L-1))) + L (qa + qb)^(L-1) h1 ], h1 = -sum q ln q.
    /// </summary>
    private static double CatalanEntropy(double b, double qa, double qb)
    {
        var h1 = -(qa * Math.Log(qa)) - (qb * Math.Log(qb));
        var total = 0.0;
        for (var l = 1; l < 5000; l++)
        {
            var n = l - 1;
            var logTrees = SpecialFunctions.GammaLn((2 * n) + 1) - SpecialFunctions.GammaLn(n + 2) - SpecialFunctions.GammaLn(n + 1) + (n * Math.Log(b));
            var length = Math.Exp(logTrees + (l * Math.Log(qa + qb)));
            total += (length * -logTrees) + (Math.Exp(logTrees + ((l - 1) * Math.Log(qa + qb))) * l * h1);
        }

        return total;
    }

    [Fact]
    public void A_uniform_ten_thousand_way_rule_has_entropy_ln_n_per_sentence_of_two_tokens()
    {
        // Every sentence is one of 10,000 equally likely words: H(S) = ln 10000 exactly (the grammar is unambiguous),
        // E|S| = 1, so h = ln(10000) / 2.
        var grammar = PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.UniformChoice(10_000)));
        var estimate = EntropyRate.Estimate(grammar, 1, 200);
        Assert.Equal(Math.Log(10_000), estimate.SentenceEntropyNats, 9);
        Assert.Equal(Math.Log(10_000), estimate.MeanSurprisalNats, 9);
        Assert.Equal(1.0, estimate.ExpectedSentenceLength, 12);
        Assert.Equal(Math.Log(10_000) / 2, estimate.RateNats, 9);
    }

    [Fact]
    public void A_five_thousand_link_chain_and_a_ten_thousand_token_rule_have_entropy_zero()
    {
        var chain = EntropyRate.Estimate(PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.UnitChain(5000))), 1, 100);
        Assert.Equal(0.0, chain.RateNats);
        Assert.Equal(0.0, chain.MeanSurprisalNats);
        Assert.Equal(1.0, chain.ExpectedSentenceLength);

        var rule = EntropyRate.Estimate(PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.LongRule(10_000))), 1, 20);
        Assert.Equal(0.0, rule.RateNats);
        Assert.Equal(0.0, rule.MeanSurprisalNats);
        Assert.Equal(10_000.0, rule.ExpectedSentenceLength);
        Assert.Equal(10_000.0, rule.MeanSampledLength);
    }

    [Fact]
    public void Ambiguous_grammar_matches_the_closed_form_string_entropy()
    {
        var grammar = PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.Catalan()));
        var estimate = EntropyRate.Estimate(grammar, 1, 40_000, threads: 2);
        var exact = CatalanEntropy(0.3, 0.5, 0.2);

        // Both estimators within 4 standard errors of the closed form, and the ambiguity makes H(S) < H(D).
        Assert.InRange(exact, estimate.SentenceEntropyNats - (4 * estimate.SentenceEntropyStandardError), estimate.SentenceEntropyNats + (4 * estimate.SentenceEntropyStandardError));
        Assert.InRange(exact, estimate.MeanSurprisalNats - (4 * estimate.MeanSurprisalStandardError), estimate.MeanSurprisalNats + (4 * estimate.MeanSurprisalStandardError));
        Assert.True(estimate.SentenceEntropyStandardError < 0.01, $"standard error {estimate.SentenceEntropyStandardError}");

        // E|S| = 0.7 / (1 - 0.6); H(D) = 2.5 expansions times the rule-choice entropy.
        Assert.Equal(1.75, estimate.ExpectedSentenceLength, 12);
        var choice = -((0.3 * Math.Log(0.3)) + (0.5 * Math.Log(0.5)) + (0.2 * Math.Log(0.2)));
        Assert.Equal(2.5 * choice, estimate.DerivationEntropyNats, 12);
        Assert.True(estimate.SentenceEntropyNats < estimate.DerivationEntropyNats - 0.1);
        Assert.Equal(estimate.SentenceEntropyNats / 2.75, estimate.RateNats, 14);
        Assert.InRange(estimate.MeanSampledLength, 1.6, 1.9);
    }

    [Fact]
    public void Supercritical_grammar_has_the_entropy_of_its_renormalised_length_law()
    {
        // One letter: the string is its length, P(L) = C(L-1) 0.4^(L-1) 0.6^L, and H(S) = -sum P(L) ln P(L).
        var grammar = PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.File("handwritten/supercritical-binary.pcfg")));
        var estimate = EntropyRate.Estimate(grammar, 2, 20_000);
        var exact = 0.0;
        for (var l = 1; l < 20000; l++)
        {
            var n = l - 1;
            var log = SpecialFunctions.GammaLn((2 * n) + 1) - SpecialFunctions.GammaLn(n + 2) - SpecialFunctions.GammaLn(n + 1) + (n * Math.Log(0.4)) + (l * Math.Log(0.6));
            exact -= Math.Exp(log) * log;
        }

        Assert.InRange(exact, estimate.SentenceEntropyNats - (4 * estimate.SentenceEntropyStandardError), estimate.SentenceEntropyNats + (4 * estimate.SentenceEntropyStandardError));
        Assert.Equal(3.0, estimate.ExpectedSentenceLength, 9); // 0.6 / (1 - 0.8)
    }

    [Theory]
    [InlineData("handwritten/arithmetic.pcfg")]
    [InlineData("handwritten/dyck.pcfg")]
    public void Unambiguous_grammars_have_string_entropy_equal_to_derivation_entropy(string file)
    {
        // Arithmetic with precedence is unambiguous; the Dyck grammar's D D rule is not (()()() splits two ways).
        var grammar = PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.File(file)));
        var estimate = EntropyRate.Estimate(grammar, 3, 3000);
        if (file.Contains("arithmetic", StringComparison.Ordinal))
        {
            Assert.Equal(estimate.DerivationEntropyNats, estimate.SentenceEntropyNats, 9);
            Assert.True(estimate.SentenceEntropyStandardError < 1e-12);
        }
        else
        {
            Assert.True(estimate.SentenceEntropyNats < estimate.DerivationEntropyNats - (4 * estimate.SentenceEntropyStandardError));
        }

        // The derivation entropy is the analysis grammar info reports.
        var report = GrammarAnalysis.Analyze(grammar.Compiled.Source);
        Assert.Equal(report.DerivationEntropyBits * Math.Log(2), estimate.DerivationEntropyNats, 12);
        Assert.Equal(report.ExpectedSentenceLength, estimate.ExpectedSentenceLength);
    }

    [Fact]
    public void The_result_is_bit_identical_for_any_thread_count_and_depends_on_the_seed()
    {
        var grammar = PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.File("study/gzipscale-0.42.pcfg")));
        var one = EntropyRate.Estimate(grammar, 5, 500, threads: 1);
        var three = EntropyRate.Estimate(grammar, 5, 500, threads: 3);
        var other = EntropyRate.Estimate(grammar, 6, 500, threads: 1);
        Assert.Equal(one, three);
        Assert.NotEqual(one.MeanSurprisalNats, other.MeanSurprisalNats);
    }

    [Fact]
    public void Sentences_longer_than_the_first_buffer_are_scored_whole()
    {
        // y x^k with k geometric of mean 999: many sentences pass 1024 tokens; each -ln P(d | s) is 0 (unambiguous).
        var rules = new[]
        {
            new Production(0, [SymbolCode.Nonterminal(0), 1], 0.999),
            new Production(0, [2], 0.001),
        };
        var grammar = PrefixGrammar.Build(CompiledGrammar.Renormalised(new Grammar(["A"], 0, [rules])));
        var estimate = EntropyRate.Estimate(grammar, 1, 200);
        Assert.True(estimate.MeanSampledLength > 500, $"mean length {estimate.MeanSampledLength}");
        Assert.Equal(estimate.DerivationEntropyNats, estimate.SentenceEntropyNats, 8);
    }

    [Fact]
    public void Too_few_sentences_are_refused()
    {
        var grammar = PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.Catalan()));
        var error = Assert.Throws<UserInputException>(() => EntropyRate.Estimate(grammar, 1, 1));
        Assert.Contains("sentences must be at least 2", error.Message, StringComparison.Ordinal);
    }
}
