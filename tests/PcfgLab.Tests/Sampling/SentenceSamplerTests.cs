using System.Globalization;
using MathNet.Numerics.Distributions;
using PcfgLab.Grammars;
using PcfgLab.Sampling;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Sampling;

public sealed class SentenceSamplerTests
{
    [Fact]
    public void Fast_and_traced_sampling_agree_token_for_token_and_consume_the_same_numbers()
    {
        var compiled = CompiledGrammar.Renormalised(RandomGrammarBuilder.Build(new GrammarSpec(20, 300, 10, 5), 1));
        var sampler = new SentenceSampler(compiled);
        var fast = new Xoshiro256StarStar(77);
        var traced = new Xoshiro256StarStar(77);
        var buffer = new int[1 << 20];
        for (var i = 0; i < 2000; i++)
        {
            var n = sampler.SampleSentence(ref fast, buffer);
            var trace = sampler.SampleSentenceTraced(ref traced);
            Assert.Equal(trace.Tokens, buffer.AsSpan(0, n).ToArray());
            Assert.True(trace.Expansions >= 2, "S and at least one Ni are expanded");
        }

        Assert.Equal(traced.NextUInt64(), fast.NextUInt64());
    }

    [Fact]
    public void A_full_destination_keeps_the_sentence_prefix()
    {
        // A -> A 'x' [0.999] | 'y' [0.001] yields y x^k with k geometric (mean 999): the stack holds k markers, far more
        // than its initial size, and the prefix cut is visible.
        Production[] rules =
        [
            new(0, [SymbolCode.Nonterminal(0), 2], 0.999),
            new(0, [1], 0.001),
        ];
        var sampler = new SentenceSampler(CompiledGrammar.Renormalised(new Grammar(["A"], 0, [rules])));
        var fullRng = new Xoshiro256StarStar(3);
        var cutRng = new Xoshiro256StarStar(3);
        var longest = 0;
        for (var i = 0; i < 50; i++)
        {
            var trace = sampler.SampleSentenceTraced(ref fullRng);
            Assert.Equal(1, trace.Tokens[0]);
            Assert.All(trace.Tokens.Skip(1), t => Assert.Equal(2, t));
            Assert.Equal(trace.Tokens.Length, trace.Expansions);
            longest = Math.Max(longest, trace.Tokens.Length);

            var cut = new int[Math.Max(1, trace.Tokens.Length / 2)];
            var n = sampler.SampleSentence(ref cutRng, cut);
            Assert.Equal(cut.Length, n);
            Assert.Equal(trace.Tokens.AsSpan(0, n).ToArray(), cut);
            cutRng = fullRng;
        }

        Assert.True(longest > 1000, $"longest sentence {longest}");
    }

    [Fact]
    public void Scored_sampling_matches_the_trace_and_consumes_the_same_numbers()
    {
        var compiled = CompiledGrammar.Renormalised(RandomGrammarBuilder.Build(new GrammarSpec(30, 400, 10, 8), 2));
        var sampler = new SentenceSampler(compiled);
        var scored = new Xoshiro256StarStar(5);
        var traced = new Xoshiro256StarStar(5);
        var buffer = new int[1 << 16];
        for (var i = 0; i < 500; i++)
        {
            var n = sampler.SampleSentenceScored(ref scored, buffer, out var log2);
            var trace = sampler.SampleSentenceTraced(ref traced);
            Assert.Equal(trace.Tokens, buffer.AsSpan(0, n).ToArray());
            Assert.Equal(trace.Log2Probability, log2);
        }

        Assert.Equal(traced.NextUInt64(), scored.NextUInt64());

        // A destination too small for the sentence: the method stops at its length.
        var small = new Xoshiro256StarStar(5);
        var again = new Xoshiro256StarStar(5);
        var first = sampler.SampleSentenceTraced(ref again);
        var cut = new int[Math.Max(1, first.Tokens.Length - 1)];
        if (first.Tokens.Length > 1)
        {
            Assert.Equal(cut.Length, sampler.SampleSentenceScored(ref small, cut, out var none));
            Assert.True(double.IsNaN(none));
        }
    }

    [Fact]
    public void Empty_destination_gets_nothing()
    {
        var sampler = new SentenceSampler(CompiledGrammar.Renormalised(CompiledGrammarTests.Binary(0.3)));
        var rng = new Xoshiro256StarStar(1);
        Assert.Equal(0, sampler.SampleSentence(ref rng, Span<int>.Empty));
    }

    [Fact]
    public void Binary_grammar_lengths_follow_the_catalan_law_and_traces_are_exact()
    {
        // A -> A A [0.3] | 'a' [0.7]: P(L leaves) = C(L-1) 0.3^(L-1) 0.7^L with C the Catalan numbers, every derivation
        // with L leaves has 2L - 1 expansions and log2 probability (L-1) log2 0.3 + L log2 0.7.
        var sampler = new SentenceSampler(CompiledGrammar.Renormalised(CompiledGrammarTests.Binary(0.3)));
        var rng = new Xoshiro256StarStar(11);
        const int Count = 100_000;
        var histogram = new long[6];
        for (var i = 0; i < Count; i++)
        {
            var trace = sampler.SampleSentenceTraced(ref rng);
            var leaves = trace.Tokens.Length;
            Assert.Equal((2 * leaves) - 1, trace.Expansions);
            Assert.Equal(((leaves - 1) * Math.Log2(0.3)) + (leaves * Math.Log2(0.7)), trace.Log2Probability, 9);
            histogram[Math.Min(leaves, 5)]++;
        }

        double[] catalan = [1, 1, 2, 5];
        var expected = new double[6];
        var tail = 1.0;
        for (var l = 1; l <= 4; l++)
        {
            expected[l] = catalan[l - 1] * Math.Pow(0.3, l - 1) * Math.Pow(0.7, l);
            tail -= expected[l];
        }

        expected[5] = tail;
        var chiSquare = 0.0;
        for (var l = 1; l <= 5; l++)
        {
            var e = Count * expected[l];
            chiSquare += (histogram[l] - e) * (histogram[l] - e) / e;
        }

        // 4 degrees of freedom; a correct sampler exceeds the 1 - 1e-6 quantile once in a million seeds.
        Assert.True(chiSquare < ChiSquared.InvCDF(4, 1 - 1e-6), $"chi-square {chiSquare}");
    }

    [Fact]
    public void Supercritical_binary_grammar_samples_its_finite_trees()
    {
        // A -> A A [0.9] | 'a' [0.1] conditioned on finite trees is A -> A A [0.1] | 'a' [0.9]: mean leaves
        // 0.9 / (1 - 2 * 0.1) = 1.125 with variance p(1-p)/(1-2p)^3 = 0.1758; over 100,000 sentences the standard error
        // is 0.0013 and 5 standard errors 0.0066.
        var sampler = new SentenceSampler(CompiledGrammar.Renormalised(CompiledGrammarTests.Binary(0.9)));
        var rng = new Xoshiro256StarStar(12);
        var buffer = new int[4096];
        long total = 0;
        const int Count = 100_000;
        for (var i = 0; i < Count; i++)
        {
            total += sampler.SampleSentence(ref rng, buffer);
        }

        Assert.InRange((double)total / Count, 1.125 - 0.0066, 1.125 + 0.0066);
    }

    [Fact]
    public void Unit_cycle_grammar_yields_only_one_token_sentences()
    {
        // (3,20,2,2) seed 7 with q_S = 0.239: only S -> N0 -> '8' finishes, so every sentence is the single token 8.
        var compiled = CompiledGrammar.Renormalised(RandomGrammarBuilder.Build(new GrammarSpec(3, 20, 2, 2), 7, firstTerminalId: 0));
        var sampler = new SentenceSampler(compiled);
        var rng = new Xoshiro256StarStar(7);
        for (var i = 0; i < 1000; i++)
        {
            var trace = sampler.SampleSentenceTraced(ref rng);
            Assert.Equal([8], trace.Tokens);
            Assert.Equal(2, trace.Expansions);
            Assert.Equal(0.0, trace.Log2Probability);
        }
    }

    [ReferencePythonTheory]
    [InlineData(10, 150, 5, 3, 1)]
    [InlineData(50, 500, 20, 15, 10)]
    public void Sentences_match_the_reference_sentence_distribution(int nonterminals, int terminals, int options, int length, int seed)
    {
        // The reference's own sentence() on its grammar, against this sampler on the same grammar (reference terminal
        // ids). (50,500,20,15) seed 10 is supercritical (q_S about 0.94; the reference rejects about 6% of its
        // derivations at the depth limit), so it checks the renormalisation too. Sentences are independent in both, so
        // two-sample chi-square tests apply: on the length histogram and on the first token. Bins with fewer than 20
        // expected sentences per sample are pooled.
        const int Count = 30_000;
        var spec = new GrammarSpec(nonterminals, terminals, options, length);
        var directory = Path.GetDirectoryName(SharedFiles.PathOf("reference", "reference_generator.py"))!;
        const string Program =
            "import random, sys\n" +
            "sys.path.insert(0, sys.argv[1])\n" +
            "import reference_generator as g\n" +
            "nn, nt, o, l, count, seed = map(int, sys.argv[2:8])\n" +
            "random.seed(seed)\n" +
            "start, rules = g.create_grammar(nn, nt, o, l)\n" +
            "out = []\n" +
            "while len(out) < count:\n" +
            "    s = g.sentence(start, rules)\n" +
            "    if s is not None:\n" +
            "        out.append(s)\n" +
            "print('\\n'.join(out))\n";
        string[] arguments = ["-c", Program, directory, .. new[] { nonterminals, terminals, options, length, Count, seed }.Select(x => x.ToString(CultureInfo.InvariantCulture))];
        var reference = ReferencePython.Run(arguments);
        Assert.Equal(Count, reference.Length);

        var sampler = new SentenceSampler(CompiledGrammar.Renormalised(RandomGrammarBuilder.Build(spec, seed, firstTerminalId: 0)));
        var rng = new Xoshiro256StarStar(2024);
        var buffer = new int[1 << 20];
        var oursLength = new Dictionary<int, long>();
        var oursFirst = new Dictionary<int, long>();
        var theirsLength = new Dictionary<int, long>();
        var theirsFirst = new Dictionary<int, long>();
        for (var i = 0; i < Count; i++)
        {
            var n = sampler.SampleSentence(ref rng, buffer);
            Increment(oursLength, Math.Min(n, 100));
            Increment(oursFirst, buffer[0]);
            var tokens = reference[i].Split(' ');
            Increment(theirsLength, Math.Min(tokens.Length, 100));
            Increment(theirsFirst, int.Parse(tokens[0], CultureInfo.InvariantCulture));
        }

        AssertSameDistribution(oursLength, theirsLength, "sentence length");
        AssertSameDistribution(oursFirst, theirsFirst, "first token");
    }

    private static void Increment(Dictionary<int, long> counts, int key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;

    /// <summary>Two-sample chi-square homogeneity test of two equal-size samples at the 1e-6 level.</summary>
    internal static void AssertSameDistribution(Dictionary<int, long> a, Dictionary<int, long> b, string what)
    {
        var keys = a.Keys.Union(b.Keys).Order().ToList();
        var bins = new List<(long A, long B)>();
        long pooledA = 0, pooledB = 0;
        foreach (var k in keys)
        {
            var x = a.GetValueOrDefault(k);
            var y = b.GetValueOrDefault(k);
            if (x + y < 40)
            {
                pooledA += x;
                pooledB += y;
            }
            else
            {
                bins.Add((x, y));
            }
        }

        if (pooledA + pooledB > 0)
        {
            bins.Add((pooledA, pooledB));
        }

        var chiSquare = 0.0;
        foreach (var (x, y) in bins)
        {
            // Equal sample sizes: sum (x - y)^2 / (x + y) is chi-square with bins - 1 degrees of freedom.
            chiSquare += (double)(x - y) * (x - y) / (x + y);
        }

        var degrees = bins.Count - 1;
        Assert.True(degrees >= 1, $"{what}: only one bin");
        var critical = ChiSquared.InvCDF(degrees, 1 - 1e-6);
        Assert.True(chiSquare < critical, $"{what}: chi-square {chiSquare:F1} on {degrees} degrees of freedom exceeds {critical:F1}");
    }
}
