using PcfgLab.Grammars;
using PcfgLab.Sampling;

namespace PcfgLab.Tests.Grammars;

public sealed class GrammarAnalysisTests
{
    private static int N(int index) => SymbolCode.Nonterminal(index);

    // A -> A A [branch] | 'a' [1 - branch].
    private static Grammar Binary(double branch) =>
        new(["A"], 0, [[new Production(0, [N(0), N(0)], branch), new Production(0, [1], 1 - branch)]]);

    private static double Entropy2(double p) => -(p * Math.Log2(p)) - ((1 - p) * Math.Log2(1 - p));

    [Fact]
    public void Subcritical_binary_grammar_has_the_closed_forms()
    {
        // rho = 2 * 0.3 = 0.6; q = 1; E[len] = 0.7 / (1 - 0.6) = 1.75; E[size] = 1 / (1 - 0.6) = 2.5;
        // H = h(0.3) / (1 - 0.6) = 0.8812908992306927 / 0.4 = 2.2032272480767317 bits; per token h(0.3) / 0.7.
        var report = GrammarAnalysis.Analyze(Binary(0.3));

        Assert.Equal(0.6, report.SpectralRadius, 12);
        Assert.Equal(Criticality.Subcritical, report.Criticality);
        Assert.Equal(1.0, report.StartTerminationProbability, 15);
        Assert.True(report.IsConsistent);
        Assert.Equal(0.6, report.ConditionedSpectralRadius, 12);
        Assert.False(report.ConditionedIsCritical);
        Assert.Equal(1.75, report.ExpectedSentenceLength, 12);
        Assert.Equal(2.5, report.ExpectedDerivationSize, 12);
        Assert.Equal(2.2032272480767317, report.DerivationEntropyBits, 12);
        Assert.Equal(Entropy2(0.3) / 0.7, report.EntropyPerTokenBits, 12);
        Assert.Equal(1, report.NonterminalCount);
        Assert.Equal(1, report.TerminalCount);
        Assert.Equal(2, report.RuleCount);
        Assert.Equal(2, report.MaxRhsLength);
        Assert.Empty(report.UnreachableNonterminals);
        Assert.Empty(report.UnproductiveNonterminals);
    }

    [Fact]
    public void Supercritical_binary_grammar_is_analysed_conditioned_on_finite_derivations()
    {
        // rho = 1.2; q = 0.4 / 0.6 = 2/3. Conditioned: p'(A -> A A) = 0.6 * q^2 / q = 0.4, p'(A -> a) = 0.6, so
        // rho' = 0.8, E[len] = 0.6 / 0.2 = 3, E[size] = 1 / 0.2 = 5, H = h(0.4) / 0.2 = 4.854752972273343 bits.
        var report = GrammarAnalysis.Analyze(Binary(0.6));

        Assert.Equal(1.2, report.SpectralRadius, 12);
        Assert.Equal(Criticality.Supercritical, report.Criticality);
        Assert.Equal(2.0 / 3.0, report.StartTerminationProbability, 12);
        Assert.False(report.IsConsistent);
        Assert.Equal(0.8, report.ConditionedSpectralRadius, 12);
        Assert.Equal(3.0, report.ExpectedSentenceLength, 10);
        Assert.Equal(5.0, report.ExpectedDerivationSize, 10);
        Assert.Equal(4.854752972273343, report.DerivationEntropyBits, 10);
        Assert.Equal(4.854752972273343 / 3, report.EntropyPerTokenBits, 10);
    }

    [Fact]
    public void Critical_grammar_reports_infinite_expectations()
    {
        // rho = 2 * 0.5 = 1: finite with probability 1 but the expected size is infinite.
        var report = GrammarAnalysis.Analyze(Binary(0.5));

        Assert.Equal(Criticality.Critical, report.Criticality);
        Assert.True(report.ConditionedIsCritical);
        Assert.Equal(double.PositiveInfinity, report.ExpectedSentenceLength);
        Assert.Equal(double.PositiveInfinity, report.ExpectedDerivationSize);
        Assert.Equal(double.PositiveInfinity, report.DerivationEntropyBits);
        Assert.True(double.IsNaN(report.EntropyPerTokenBits));
        Assert.Equal(1.0, report.StartTerminationProbability, 6);
    }

    [Fact]
    public void Grammar_without_finite_sentences_reports_q_zero_and_undefined_expectations()
    {
        // S -> A [1.0]; A -> A 'a' [1.0]: nothing terminates.
        var g = new Grammar(["S", "A"], 0, [[new Production(0, [N(1)], 1.0)], [new Production(1, [N(1), 1], 1.0)]]);

        var report = GrammarAnalysis.Analyze(g);

        Assert.Equal(0.0, report.StartTerminationProbability);
        Assert.False(report.IsConsistent);
        Assert.Equal(["S", "A"], report.UnproductiveNonterminals);
        Assert.Equal(1.0, report.SpectralRadius, 12);
        Assert.True(double.IsNaN(report.ConditionedSpectralRadius));
        Assert.True(double.IsNaN(report.ExpectedSentenceLength));
        Assert.True(double.IsNaN(report.ExpectedDerivationSize));
        Assert.True(double.IsNaN(report.DerivationEntropyBits));
        Assert.True(double.IsNaN(report.EntropyPerTokenBits));
    }

    [Fact]
    public void Chain_grammar_with_an_unreachable_nonterminal()
    {
        // S -> 'a' B [0.5] | 'b' [0.5]; B -> 'c' 'd' [0.25] | 'c' [0.75]; C -> 'e' [1.0] (unreachable).
        // E[len] = 0.5 (1 + E_B) + 0.5 with E_B = 0.25 * 2 + 0.75 = 1.25, so 1.625; E[size] = 1 + 0.5 = 1.5;
        // H = h(0.5) + 0.5 h(0.25) = 1 + 0.5 * 0.8112781244591328 = 1.4056390622295665 bits.
        var g = new Grammar(
            ["S", "B", "C"],
            0,
            [
                [new Production(0, [1, N(1)], 0.5), new Production(0, [2], 0.5)],
                [new Production(1, [3, 4], 0.25), new Production(1, [3], 0.75)],
                [new Production(2, [5], 1.0)],
            ]);

        var report = GrammarAnalysis.Analyze(g);

        Assert.Equal(["C"], report.UnreachableNonterminals);
        Assert.Empty(report.UnproductiveNonterminals);
        Assert.Equal(0.0, report.SpectralRadius, 12);
        Assert.Equal(5, report.TerminalCount);
        Assert.Equal(1.625, report.ExpectedSentenceLength, 12);
        Assert.Equal(1.5, report.ExpectedDerivationSize, 12);
        Assert.Equal(1.4056390622295665, report.DerivationEntropyBits, 12);
        Assert.Equal(1.4056390622295665 / 1.625, report.EntropyPerTokenBits, 12);
    }

    [Fact]
    public void Reference_seed_7_of_the_smallest_preset()
    {
        // N0 -> N2 [0.2817] | '8' [0.7183]; N1 -> N1 [1.0]; N2 -> N2 '4' [1.0]. N1 and N2 never finish, so
        // q_N0 = 0.7183..., q_S = q_N0 / 3; the unit cycles N1 -> N1, N2 -> N2 give eigenvalue 1 (critical).
        // Conditioned, every sentence is S -> N0 -> '8': length 1, two expansions, no entropy.
        var g = RandomGrammarBuilder.Build(new GrammarSpec(3, 20, 2, 2), 7, firstTerminalId: 0);

        var report = GrammarAnalysis.Analyze(g);

        Assert.Equal(0.7183098591549296 / 3, report.StartTerminationProbability, 15);
        Assert.Empty(report.UnreachableNonterminals);
        Assert.Equal(["N1", "N2"], report.UnproductiveNonterminals);
        Assert.Equal(Criticality.Critical, report.Criticality);
        Assert.False(report.IsConsistent);
        Assert.Equal([0.7183098591549296 / 3, 0.7183098591549296, 0, 0], report.TerminationProbabilities.Select(t => t.Q));
        Assert.Equal(1.0, report.ExpectedSentenceLength, 12);
        Assert.Equal(2.0, report.ExpectedDerivationSize, 12);
        Assert.Equal(0.0, report.DerivationEntropyBits, 12);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Supercritical_random_grammars_have_a_subcritical_conditioned_grammar(long seed)
    {
        // (100,300,100,30) has spectral radius about 3.9 and q_S about 0.11 (reference README: 0.114 for one seed).
        var g = RandomGrammarBuilder.Build(new GrammarSpec(100, 300, 100, 30), seed);

        var report = GrammarAnalysis.Analyze(g);

        Assert.Equal(Criticality.Supercritical, report.Criticality);
        Assert.InRange(report.SpectralRadius, 3.0, 5.0);
        Assert.InRange(report.StartTerminationProbability, 0.01, 0.5);
        Assert.False(report.IsConsistent);
        Assert.InRange(report.ConditionedSpectralRadius, 0.0, 0.99);
        Assert.True(double.IsFinite(report.ExpectedSentenceLength) && report.ExpectedSentenceLength >= 1);
        Assert.True(report.ExpectedDerivationSize >= 2);

        // The linear solves against plain fixed-point iteration x <- b + M' x: the error shrinks by rho' < 0.99 per
        // step, and rho' is about 0.2 here, so 300 steps leave nothing measurable.
        var q = TerminationProbabilities.Compute(g);
        var conditioned = g.AllRules().Select(rule => GrammarAnalysis.ConditionedProbability(rule, q)).ToArray();
        var length = new double[g.NonterminalCount];
        var next = new double[g.NonterminalCount];
        for (var iteration = 0; iteration < 300; iteration++)
        {
            var r = 0;
            for (var a = 0; a < g.NonterminalCount; a++)
            {
                var sum = 0.0;
                foreach (var rule in g.RulesOf(a))
                {
                    var p = conditioned[r++];
                    foreach (var code in rule.Rhs)
                    {
                        sum += p * (SymbolCode.IsNonterminal(code) ? length[SymbolCode.NonterminalIndex(code)] : 1);
                    }
                }

                next[a] = sum;
            }

            (length, next) = (next, length);
        }

        Assert.Equal(length[g.Start], report.ExpectedSentenceLength, 9);
    }

    [Theory]
    [InlineData("gzipscale-0.35", 1)]
    [InlineData("gzipscale-0.42", 9)]
    [InlineData("gzipscale-0.51", 1)]
    [InlineData("gzipscale-0.61", 1)]
    [InlineData("isovocab-50_300_20_10", 1)]
    public void Monte_carlo_means_of_the_production_sampler_agree_with_the_analysis(string preset, long seed)
    {
        // 20,000 sentences from SentenceSampler (the renormalised grammar). Each sample mean must lie within 4
        // standard errors (sample sd / sqrt(n)) of the analysis: a false alarm has probability about 6e-5 per
        // check for these light-tailed (rho' <= 0.85) laws, where the central limit theorem applies at n = 20,000.
        // gzipscale-0.42 seed 9 is supercritical (q_S = 0.96): it checks the conditioning as well.
        const int Sentences = 20_000;
        var g = RandomGrammarBuilder.Build(GrammarPresets.Get(preset).Spec, seed);
        var report = GrammarAnalysis.Analyze(g);
        var sampler = new SentenceSampler(CompiledGrammar.Renormalised(g));
        var rng = new Xoshiro256StarStar((ulong)seed * 7919 + 17);
        var length = new RunningMoments();
        var size = new RunningMoments();
        var surprisal = new RunningMoments();
        for (var i = 0; i < Sentences; i++)
        {
            var trace = sampler.SampleSentenceTraced(ref rng);
            length.Add(trace.Tokens.Length);
            size.Add(trace.Expansions);
            surprisal.Add(-trace.Log2Probability);
        }

        length.AssertMeanWithin4StandardErrors(report.ExpectedSentenceLength, "length");
        size.AssertMeanWithin4StandardErrors(report.ExpectedDerivationSize, "derivation size");
        surprisal.AssertMeanWithin4StandardErrors(report.DerivationEntropyBits, "-log2 p'");
    }

    [Fact]
    public void Study_presets_at_seed_1_are_consistent_and_subcritical()
    {
        foreach (var preset in GrammarPresets.Study)
        {
            var report = GrammarAnalysis.Analyze(RandomGrammarBuilder.Build(preset.Spec, 1));

            Assert.True(report.IsConsistent, preset.Name);
            Assert.Equal(Criticality.Subcritical, report.Criticality);
            Assert.Equal(report.SpectralRadius, report.ConditionedSpectralRadius, 9);
            Assert.True(report.EntropyPerTokenBits > 0, preset.Name);
        }
    }

    private sealed class RunningMoments
    {
        private long _count;
        private double _mean;
        private double _m2;

        public void Add(double value)
        {
            _count++;
            var delta = value - _mean;
            _mean += delta / _count;
            _m2 += delta * (value - _mean);
        }

        public void AssertMeanWithin4StandardErrors(double expected, string what)
        {
            var standardError = Math.Sqrt(_m2 / (_count - 1) / _count);
            Assert.True(
                Math.Abs(_mean - expected) <= 4 * standardError,
                $"{what}: sample mean {_mean} vs analysis {expected}, standard error {standardError}");
        }
    }

    /// <summary>N0 -&gt; N1 [1.0], ..., N(k-1) -&gt; Nk [1.0], Nk -&gt; 'x' [1.0]: exactly one finite sentence.</summary>
    internal static Grammar Chain(int k)
    {
        var names = new string[k + 1];
        var rules = new IReadOnlyList<Production>[k + 1];
        for (var i = 0; i <= k; i++)
        {
            names[i] = "N" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            rules[i] = [new Production(i, i < k ? [N(i + 1)] : [1], 1.0)];
        }

        return new Grammar(names, 0, rules);
    }

    [Theory]
    [InlineData(5_000)] // said q_S = 0 before (2,000 Kleene steps over the whole grammar)
    [InlineData(20_000)] // overflowed an int sizing a dense matrix
    [InlineData(200_000)] // IndexOutOfRangeException in the dense mean matrix
    public async Task Long_chains_have_q_one_and_exact_expectations_quickly(int k)
    {
        var report = await Task.Run(() => GrammarAnalysis.Analyze(Chain(k))).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1.0, report.StartTerminationProbability);
        Assert.True(report.IsConsistent);
        Assert.All(report.TerminationProbabilities, t => Assert.Equal(1.0, t.Q));
        Assert.Equal(0.0, report.SpectralRadius);
        Assert.Equal(Criticality.Subcritical, report.Criticality);
        Assert.Equal(0.0, report.ConditionedSpectralRadius);
        Assert.Equal(1.0, report.ExpectedSentenceLength);
        Assert.Equal(k + 1, report.ExpectedDerivationSize);
        Assert.Equal(0.0, report.DerivationEntropyBits);
        Assert.Empty(report.UnreachableNonterminals);
    }

    /// <summary>
    /// A cycle of <paramref name="size"/> copies of the binary grammar (Ni -&gt; N(i+1) N(i+1) [branch] | 'a'): one
    /// strongly connected component with the single binary grammar's closed forms, larger than the dense limit.
    /// </summary>
    private static Grammar BinaryCycle(int size, double branch)
    {
        var names = new string[size];
        var rules = new IReadOnlyList<Production>[size];
        for (var i = 0; i < size; i++)
        {
            var next = N((i + 1) % size);
            names[i] = "N" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            rules[i] = [new Production(i, [next, next], branch), new Production(i, [1], 1 - branch)];
        }

        return new Grammar(names, 0, rules);
    }

    [Fact]
    public void A_large_supercritical_component_is_solved_sparsely_with_the_closed_forms()
    {
        // As Supercritical_binary_grammar_is_analysed_conditioned_on_finite_derivations, on 1,000 nonterminals.
        var report = GrammarAnalysis.Analyze(BinaryCycle(1000, 0.6));

        Assert.True(1000 > SparseMatrix.DenseLimit);
        Assert.Equal(1.2, report.SpectralRadius, 10);
        Assert.Equal(2.0 / 3.0, report.StartTerminationProbability, 12);
        Assert.All(report.TerminationProbabilities, t => Assert.Equal(2.0 / 3.0, t.Q, 12));
        Assert.Equal(0.8, report.ConditionedSpectralRadius, 10);
        Assert.Equal(3.0, report.ExpectedSentenceLength, 9);
        Assert.Equal(5.0, report.ExpectedDerivationSize, 9);
        Assert.Equal(4.854752972273343, report.DerivationEntropyBits, 9);
    }

    [Fact]
    public void A_large_subcritical_component_has_the_closed_forms()
    {
        var report = GrammarAnalysis.Analyze(BinaryCycle(1000, 0.3));

        Assert.Equal(0.6, report.SpectralRadius, 10);
        Assert.Equal(1.0, report.StartTerminationProbability, 14);
        Assert.Equal(1.75, report.ExpectedSentenceLength, 10);
        Assert.Equal(2.5, report.ExpectedDerivationSize, 10);
        Assert.Equal(2.2032272480767317, report.DerivationEntropyBits, 10);
    }

    // Figures of the six study presets (seed 1) from the dense analysis this sparse one replaced (commit 3daaa8f).
    [Theory]
    [InlineData("gzipscale-0.11", 0, 1, 0, 1.6666666666666665, 2.333333333333333, 1.8882078748982114)]
    [InlineData("gzipscale-0.22", 0.21212121212121218, 0.9999999999999999, 0.2121212121212121, 2.437527038346481, 2.2385214992706737, 5.041519699143228)]
    [InlineData("gzipscale-0.35", 0.17004519593561968, 1, 0.17004519593561968, 3.518345507430788, 2.2811750044404073, 7.311437589564102)]
    [InlineData("gzipscale-0.42", 0.16373041307496292, 0.9999999999999999, 0.16373041307496275, 5.9091714794005155, 2.4115540236421835, 7.504810251835761)]
    [InlineData("gzipscale-0.51", 0.8401651566338206, 1, 0.8401651566338204, 40.694203241870426, 6.253530582528352, 20.224140761007916)]
    [InlineData("gzipscale-0.61", 0.768222463364402, 1, 0.7682224633644015, 63.12585900814876, 5.285573810371879, 27.170746217157426)]
    public void The_study_presets_keep_their_figures_to_1e_12(string preset, double rho, double qStart, double conditionedRho, double length, double size, double entropy)
    {
        var report = GrammarAnalysis.Analyze(RandomGrammarBuilder.Build(GrammarPresets.Get(preset).Spec, 1));

        AssertRelative(rho, report.SpectralRadius);
        Assert.Equal(qStart, report.StartTerminationProbability); // bit for bit: the same Kleene iteration
        AssertRelative(conditionedRho, report.ConditionedSpectralRadius);
        AssertRelative(length, report.ExpectedSentenceLength);
        AssertRelative(size, report.ExpectedDerivationSize);
        AssertRelative(entropy, report.DerivationEntropyBits);
    }

    private static void AssertRelative(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");
}
