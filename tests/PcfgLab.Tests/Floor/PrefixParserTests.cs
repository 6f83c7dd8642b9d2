using PcfgLab.Floor;
using PcfgLab.Grammars;
using PcfgLab.Sampling;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Floor;

public sealed class PrefixParserTests
{
    private static (double[] Conditionals, double End) Parse(PrefixParser parser, int[] sentence, bool complete = true)
    {
        var conditionals = new double[sentence.Length];
        var end = parser.Parse(sentence, complete, conditionals);
        return (conditionals, end);
    }

    private static double Product(double[] values, int count)
    {
        var p = 1.0;
        for (var i = 0; i < count; i++)
        {
            p *= values[i];
        }

        return p;
    }

    [Fact]
    public void Left_recursion_gives_the_closed_form_conditionals()
    {
        // y x^k has probability 0.6 * 0.4^k: the first token is always y, each x has probability 0.4 and the end 0.6.
        var parser = new PrefixParser(PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.LeftRecursive())));
        var (conditionals, end) = Parse(parser, [2, 1, 1, 1, 1, 1, 1]);
        Assert.Equal(1.0, conditionals[0], 14);
        for (var t = 1; t < conditionals.Length; t++)
        {
            Assert.Equal(0.4, conditionals[t], 14);
        }

        Assert.Equal(0.6, end, 14);
    }

    [Fact]
    public void Unit_cycle_is_summed_in_closed_form()
    {
        var parser = new PrefixParser(PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.UnitCycle())));
        var (x, endX) = Parse(parser, [1]);
        var (y, endY) = Parse(parser, [2]);
        Assert.Equal(0.7 / 0.85, x[0], 14);
        Assert.Equal(0.15 / 0.85, y[0], 14);
        Assert.Equal(1.0, endX, 14);
        Assert.Equal(1.0, endY, 14);
    }

    [Fact]
    public void A_ten_thousand_token_rule_is_certain_after_its_first_token()
    {
        // S -> 1 2 ... 10000 [1.0]: every conditional and the end are exactly 1.
        var parser = new PrefixParser(PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.LongRule(10_000))));
        var sentence = Enumerable.Range(1, 10_000).ToArray();
        var (conditionals, end) = Parse(parser, sentence);
        Assert.All(conditionals, c => Assert.Equal(1.0, c));
        Assert.Equal(1.0, end);

        // A wrong token halfway: probability 0 there and after it.
        sentence[5000] = 3;
        (conditionals, end) = Parse(parser, sentence);
        Assert.Equal(1.0, conditionals[4999]);
        Assert.Equal(0.0, conditionals[5000]);
        Assert.Equal(0.0, end);
    }

    [Fact]
    public void A_five_thousand_link_unit_chain_gives_its_only_sentence_probability_one()
    {
        var parser = new PrefixParser(PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.UnitChain(5000))));
        var (conditionals, end) = Parse(parser, [1]);
        Assert.Equal(1.0, conditionals[0]);
        Assert.Equal(1.0, end);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("ab")]
    [InlineData("bba")]
    [InlineData("abab")]
    [InlineData("aaaaaaa")]
    [InlineData("babbabaabbab")]
    public void Ambiguous_catalan_grammar_matches_the_closed_form_sentence_probability(string word)
    {
        // S -> S S [0.3] | a [0.5] | b [0.2]: a string of length L has C(L-1) trees, each of probability 0.3^(L-1) * prod q.
        var parser = new PrefixParser(PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.Catalan())));
        var sentence = word.Select(c => c == 'a' ? 1 : 2).ToArray();
        var (conditionals, end) = Parse(parser, sentence);
        var expected = FloorGrammars.CatalanNumber(sentence.Length - 1) * Math.Pow(0.3, sentence.Length - 1);
        foreach (var token in sentence)
        {
            expected *= token == 1 ? 0.5 : 0.2;
        }

        var actual = Product(conditionals, sentence.Length) * end;
        Assert.Equal(1.0, actual / expected, 12);
    }

    [Fact]
    public void Supercritical_grammar_gives_the_renormalised_length_law()
    {
        // A -> A A [0.6] | a [0.4] finishes with probability 2/3; conditioned on that it is A -> A A [0.4] | a [0.6], so
        // P(L) = C(L-1) 0.4^(L-1) 0.6^L, and a^k as a prefix has probability P(L >= k).
        var grammar = FloorGrammars.File("handwritten/supercritical-binary.pcfg");
        var parser = new PrefixParser(PrefixGrammar.Build(CompiledGrammar.Renormalised(grammar)));
        const int N = 40;
        var sentence = Enumerable.Repeat(1, N).ToArray();
        var (conditionals, end) = Parse(parser, sentence);
        var length = new double[N + 1];
        var atLeast = new double[N + 2];
        atLeast[0] = atLeast[1] = 1.0; // P(L >= 0) = P(L >= 1) = 1
        for (var l = 1; l <= N; l++)
        {
            length[l] = FloorGrammars.CatalanNumber(l - 1) * Math.Pow(0.4, l - 1) * Math.Pow(0.6, l);
            atLeast[l + 1] = atLeast[l] - length[l];
        }

        for (var t = 1; t <= N; t++)
        {
            Assert.Equal(1.0, conditionals[t - 1] / (atLeast[t] / atLeast[t - 1]), 9);
        }

        Assert.Equal(1.0, end / (length[N] / atLeast[N]), 9);
    }

    // (Arithmetic is left out: its left recursion through unit chains keeps the enumeration from getting tight. The
    // unambiguous-grammar test and the sum-to-one test check it instead.)
    public static TheoryData<string, ulong, double, int> BruteForceGrammars() => new()
    {
        { "handwritten/toy-english.pcfg", 2, 1e-13, 6 },
        { "handwritten/dyck.pcfg", 3, 1e-13, 6 },
        { "handwritten/supercritical-binary.pcfg", 4, 1e-13, 6 },
        { "study/gzipscale-0.11.pcfg", 5, 1e-13, 6 },
        { "study/gzipscale-0.22.pcfg", 6, 1e-13, 6 },
        { "study/gzipscale-0.35.pcfg", 8, 1e-13, 6 },
        { "iso-vocabulary/isovocab-3_300_2_2.pcfg", 7, 1e-13, 6 },
    };

    [Theory]
    [MemberData(nameof(BruteForceGrammars))]
    public void Prefix_and_sentence_probabilities_match_exhaustive_enumeration(string file, ulong seed, double cutoff, int maxLength)
    {
        var compiled = CompiledGrammar.Renormalised(FloorGrammars.File(file));
        var parser = new PrefixParser(PrefixGrammar.Build(compiled));
        var checkedPrefixes = 0;
        foreach (var sentence in FloorGrammars.Sample(compiled, 12, seed, maxLength))
        {
            var (conditionals, end) = Parse(parser, sentence);
            for (var t = 1; t <= sentence.Length; t++)
            {
                var bounds = DerivationEnumeration.Prefix(compiled, sentence[..t], cutoff);
                AssertWithin(Product(conditionals, t), bounds, $"{file} prefix {string.Join(' ', sentence[..t])}");
                checkedPrefixes++;
            }

            var whole = DerivationEnumeration.Sentence(compiled, sentence, cutoff);
            AssertWithin(Product(conditionals, sentence.Length) * end, whole, $"{file} sentence {string.Join(' ', sentence)}");
        }

        Assert.True(checkedPrefixes >= 12);
    }

    private static void AssertWithin(double actual, DerivationEnumeration.Bounds bounds, string what)
    {
        // The enumeration must be tight enough for the check to mean something.
        Assert.True(bounds.Dropped <= 1e-5 * bounds.Value, $"{what}: enumeration dropped {bounds.Dropped} of {bounds.Value}");
        Assert.True(actual >= bounds.Value * (1 - 1e-10) && actual <= (bounds.Value + bounds.Dropped) * (1 + 1e-10),
            $"{what}: parser {actual:R}, enumeration [{bounds.Value:R}, {bounds.Value + bounds.Dropped:R}]");
    }

    [Theory]
    [InlineData("random", 1UL)]
    [InlineData("random", 2UL)]
    [InlineData("handwritten/arithmetic.pcfg", 3UL)]
    [InlineData("handwritten/toy-english.pcfg", 4UL)]
    public void Next_token_probabilities_and_the_end_sum_to_one(string file, ulong seed)
    {
        var grammar = file == "random" ? RandomGrammarBuilder.Build(new GrammarSpec(10, 150, 5, 3), (long)seed) : FloorGrammars.File(file);
        var compiled = CompiledGrammar.Renormalised(grammar);
        var prefixGrammar = PrefixGrammar.Build(compiled);
        var parser = new PrefixParser(prefixGrammar);
        foreach (var sentence in FloorGrammars.Sample(compiled, 5, seed, maxLength: 8))
        {
            for (var t = 0; t <= sentence.Length; t++)
            {
                var total = 0.0;
                if (t > 0)
                {
                    var (_, end) = Parse(parser, sentence[..t]);
                    total += end;
                }

                var extended = new int[t + 1];
                sentence.AsSpan(0, t).CopyTo(extended);
                for (var a = 1; a < prefixGrammar.TerminalLimit; a++)
                {
                    extended[t] = a;
                    var (conditionals, _) = Parse(parser, extended, complete: false);
                    total += conditionals[t];
                }

                Assert.Equal(1.0, total, 12);
            }
        }
    }

    [Fact]
    public void Unambiguous_grammar_scores_each_sentence_with_its_derivation_probability()
    {
        // Arithmetic expressions with precedence are unambiguous: P(sentence) is its one derivation's probability.
        var compiled = CompiledGrammar.Renormalised(FloorGrammars.File("handwritten/arithmetic.pcfg"));
        var parser = new PrefixParser(PrefixGrammar.Build(compiled));
        var sampler = new SentenceSampler(compiled);
        var rng = new Xoshiro256StarStar(5);
        for (var i = 0; i < 300; i++)
        {
            var trace = sampler.SampleSentenceTraced(ref rng);
            var (conditionals, end) = Parse(parser, trace.Tokens);
            var log = Math.Log(end);
            foreach (var c in conditionals)
            {
                log += Math.Log(c);
            }

            Assert.Equal(trace.Log2Probability * Math.Log(2), log, 9);
        }
    }

    [Fact]
    public void Ambiguous_sentences_score_above_their_derivation()
    {
        // "she saw the dog in the park" attaches "in the park" to the verb phrase or to the noun phrase.
        var grammar = FloorGrammars.File("handwritten/toy-english.pcfg");
        var compiled = CompiledGrammar.Renormalised(grammar);
        var parser = new PrefixParser(PrefixGrammar.Build(compiled));
        var words = "she saw the dog in the park".Split(' ');
        var ids = words.Select(w => Array.IndexOf(grammar.Vocabulary!.ToArray(), w)).ToArray();
        Assert.DoesNotContain(-1, ids);
        var (conditionals, end) = Parse(parser, ids);
        var probability = Product(conditionals, ids.Length) * end;
        var bounds = DerivationEnumeration.Sentence(compiled, ids);
        AssertWithin(probability, bounds, "PP attachment");

        // The two derivations: VP -> VP PP and NP -> NP PP, computed by hand from the rules.
        var np = 0.1; // NP -> she
        var theDog = 0.5 * 0.6 * 0.3; // NP -> Det N, Det -> the, N -> dog
        var thePark = 0.5 * 0.6 * 0.2;
        var pp = 1.0 * 0.5 * thePark; // PP -> P NP, P -> in
        var verbAttached = 1.0 * np * (0.2 * (0.5 * 0.4 * theDog) * pp);
        var nounAttached = 1.0 * np * (0.5 * 0.4 * (0.1 * theDog * pp));
        Assert.Equal(1.0, probability / (verbAttached + nounAttached), 12);
    }

    [Fact]
    public void A_token_the_grammar_cannot_produce_gets_probability_zero_and_so_does_the_rest()
    {
        var parser = new PrefixParser(PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.LeftRecursive())));
        var (conditionals, end) = Parse(parser, [1, 2, 1]); // x cannot come first
        Assert.Equal([0.0, 0.0, 0.0], conditionals);
        Assert.Equal(0.0, end);

        var (beyond, _) = Parse(parser, [2, 99], complete: false); // 99 is no terminal at all
        Assert.Equal(1.0, beyond[0], 14);
        Assert.Equal(0.0, beyond[1]);
    }

    [Fact]
    public void A_cut_prefix_returns_nan_for_the_end_and_the_same_conditionals()
    {
        var parser = new PrefixParser(PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.Catalan())));
        int[] sentence = [1, 2, 2, 1];
        var (full, end) = Parse(parser, sentence);
        var (cut, none) = Parse(parser, sentence, complete: false);
        Assert.True(end > 0 && end < 1);
        Assert.True(double.IsNaN(none));
        Assert.Equal(full, cut);
    }

    [Fact]
    public void Empty_sentence_and_short_buffer_are_refused()
    {
        var parser = new PrefixParser(PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.Catalan())));
        Assert.Throws<ArgumentException>(() => parser.Parse([], true, new double[1]));
        Assert.Throws<ArgumentException>(() => parser.Parse([1, 1], true, new double[1]));
    }

    [Fact]
    public void Long_sentences_do_not_underflow()
    {
        // y x^4000 has probability 0.6^2 * 0.4^4000 (about e^-3666), far below double's range; the conditionals are not.
        var parser = new PrefixParser(PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.LeftRecursive())));
        var sentence = Enumerable.Repeat(1, 4001).ToArray();
        sentence[0] = 2;
        var (conditionals, end) = Parse(parser, sentence);
        Assert.Equal(1.0, conditionals[0], 14);
        Assert.All(conditionals.Skip(1), c => Assert.Equal(0.4, c, 13));
        Assert.Equal(0.6, end, 13);
    }

    [Fact]
    public void Long_ambiguous_sentences_keep_their_closed_form()
    {
        // 300 tokens of the Catalan grammar: about 10^176 trees, summed exactly; log P against ln C(L-1) by lgamma.
        var parser = new PrefixParser(PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.Catalan())));
        var sentence = new int[300];
        for (var i = 0; i < sentence.Length; i++)
        {
            sentence[i] = 1 + (i % 3 == 0 ? 1 : 0);
        }

        var (conditionals, end) = Parse(parser, sentence);
        var log = Math.Log(end) + conditionals.Sum(Math.Log);
        var n = sentence.Length - 1;
        var expected = MathNet.Numerics.SpecialFunctions.GammaLn((2 * n) + 1) - MathNet.Numerics.SpecialFunctions.GammaLn(n + 2)
            - MathNet.Numerics.SpecialFunctions.GammaLn(n + 1) + (n * Math.Log(0.3)) + (200 * Math.Log(0.5)) + (100 * Math.Log(0.2));
        Assert.Equal(1.0, log / expected, 11);
    }
}
