using PcfgLab.Floor;
using PcfgLab.Grammars;
using PcfgLab.Sampling;

namespace PcfgLab.Tests.Floor;

public sealed class LossFloorTests
{
    private static PrefixGrammar Catalan() => PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.Catalan()));

    [Fact]
    public void The_floor_of_a_five_thousand_link_chain_is_zero_per_token()
    {
        // Documents are x 0 x 0 ...: every token after the first (and the first too) is certain.
        var grammar = PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.UnitChain(5000)));
        var estimate = LossFloor.Estimate(grammar, 1, 64, documents: 20);
        Assert.Equal(0.0, estimate.MeanNats);
        Assert.Equal(0.0, estimate.FirstTokenNats);
        Assert.Equal(0.0, estimate.StandardError);
    }

    [Fact]
    public void The_floor_of_a_ten_thousand_token_rule_is_zero_per_token()
    {
        var grammar = PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.LongRule(10_000)));
        var estimate = LossFloor.Estimate(grammar, 1, 256, documents: 20);
        Assert.Equal(0.0, estimate.MeanNats);
        Assert.Equal(0.0, estimate.FirstTokenNats);
    }

    [Fact]
    public void Two_token_documents_average_the_direct_values_and_hit_the_exact_expectation()
    {
        // Position 2 of a Catalan document: the separator with probability 0.7, else a second leaf a or b.
        var grammar = Catalan();
        const int Documents = 20_000;
        var estimate = LossFloor.Estimate(grammar, 4, 2, Documents, threads: 2);

        // Exact average of the direct values over the very documents measured.
        var sampler = new DocumentSampler(grammar.Compiled, 4, 2);
        var document = new int[2];
        var sum = 0.0;
        for (var d = 0; d < Documents; d++)
        {
            sampler.SampleDocument(d, document);
            sum += document[1] switch
            {
                0 => -Math.Log(0.7),
                1 => -Math.Log(0.3 * 5 / 7),
                _ => -Math.Log(0.3 * 2 / 7),
            };
        }

        Assert.Equal(sum / Documents, estimate.MeanNats, 12);

        // Expectation: 0.7 (-ln 0.7) + 0.3 (5/7) (-ln(0.3 * 5/7)) + 0.3 (2/7) (-ln(0.3 * 2/7)), within 4 standard errors.
        var expected = (0.7 * -Math.Log(0.7)) + (0.3 * 5 / 7 * -Math.Log(0.3 * 5 / 7)) + (0.3 * 2 / 7 * -Math.Log(0.3 * 2 / 7));
        Assert.InRange(expected, estimate.MeanNats - (4 * estimate.StandardError), estimate.MeanNats + (4 * estimate.StandardError));
        Assert.InRange(estimate.StandardError, 0.001, 0.02);
        Assert.Equal(estimate.MeanNats - (1.959963984540054 * estimate.StandardError), estimate.Lower95, 14);
        Assert.Equal(estimate.MeanNats + (1.959963984540054 * estimate.StandardError), estimate.Upper95, 14);

        // The first token is a (-ln 5/7) or b (-ln 2/7): its mean is near the first-token entropy.
        var firstEntropy = (5.0 / 7 * -Math.Log(5.0 / 7)) + (2.0 / 7 * -Math.Log(2.0 / 7));
        Assert.Equal(firstEntropy, estimate.FirstTokenNats, 1);
    }

    [Fact]
    public void The_result_is_bit_identical_for_any_thread_count()
    {
        var grammar = PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.File("study/gzipscale-0.35.pcfg")));
        var one = LossFloor.Estimate(grammar, 1, 256, 60, threads: 1);
        var two = LossFloor.Estimate(grammar, 1, 256, 60, threads: 2);
        var three = LossFloor.Estimate(grammar, 1, 256, 60, threads: 3);
        Assert.Equal(one, two);
        Assert.Equal(one, three);
    }

    [Fact]
    public void Documents_are_those_the_generator_writes()
    {
        // The floor of documents 0..N-1 is the mean of DocumentLoss over DocumentSampler's documents with the same seed.
        var compiled = CompiledGrammar.Renormalised(RandomGrammarBuilder.Build(new GrammarSpec(20, 300, 10, 5), 2));
        var grammar = PrefixGrammar.Build(compiled);
        var estimate = LossFloor.Estimate(grammar, 7, 64, 30);
        var sampler = new DocumentSampler(compiled, 7, 64);
        var loss = new DocumentLoss(grammar);
        var document = new int[64];
        var scratch = new double[64];
        var sum = 0.0;
        for (var d = 0; d < 30; d++)
        {
            sampler.SampleDocument(d, document);
            sum += loss.Sum(document, scratch).Predicted / 63;
        }

        Assert.Equal(sum / 30, estimate.MeanNats, 14);
        Assert.Equal(30, estimate.Documents);
        Assert.Equal(64, estimate.DocumentLength);
        Assert.Equal(7UL, estimate.Seed);
    }

    [Fact]
    public void Long_documents_of_an_unambiguous_grammar_approach_the_entropy_rate()
    {
        // y x^k with P = 0.6 * 0.4^k: each x or separator after the first token costs -ln 0.4 or -ln 0.6, and y as a
        // sentence's first token costs nothing. h = H(S) / (E|S| + 1) with H(S) = -ln 0.6 - (0.4 / 0.6) ln 0.4 and
        // E|S| = 1 + 0.4 / 0.6; documents of 4096 tokens reach it within edge effects of order 1/4096.
        var grammar = PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.LeftRecursive()));
        var estimate = LossFloor.Estimate(grammar, 3, 4096, 200, threads: 2);
        var h = (-Math.Log(0.6) - (0.4 / 0.6 * Math.Log(0.4))) / (2 + (0.4 / 0.6));
        Assert.InRange(h, estimate.MeanNats - (4 * estimate.StandardError) - 0.002, estimate.MeanNats + (4 * estimate.StandardError) + 0.002);
        Assert.Equal(0.0, estimate.FirstTokenNats);
    }

    [Theory]
    [InlineData(1, 10, 1, "documentLength 1")]
    [InlineData(2, 0, 1, "documents must be positive")]
    [InlineData(2, 10, 0, "threads must be positive")]
    public void Bad_sizes_are_refused_with_one_line(int documentLength, int documents, int threads, string expected)
    {
        var error = Assert.Throws<UserInputException>(() => LossFloor.Estimate(Catalan(), 1, documentLength, documents, threads));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
