using PcfgLab.Floor;
using PcfgLab.Sampling;

namespace PcfgLab.Tests.Floor;

public sealed class DocumentLossTests
{
    // Catalan grammar S -> S S [0.3] | a [0.5] | b [0.2]: the leftmost leaf is a with probability 5/7; a sentence ends
    // after its first leaf with probability 0.7; after "b a" with probability 0.49 (P(ba) = C1 0.3 0.5 0.2 = 0.03 over
    // the prefix probability 0.3 (2/7)(5/7)); a second token a (b) follows a first one with probability 0.3 (5/7) (0.3 (2/7)).
    private static readonly DocumentLoss Loss = new(PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.Catalan())));

    private static double[] Evaluate(int[] document)
    {
        var losses = new double[document.Length];
        Loss.Evaluate(document, losses);
        return losses;
    }

    [Fact]
    public void Every_position_of_a_document_has_its_closed_form_loss()
    {
        var losses = Evaluate([1, 0, 2, 1, 0, 2]);
        double[] expected =
        [
            -Math.Log(5.0 / 7), // a starts a sentence
            -Math.Log(0.7), // the sentence "a" ends
            -Math.Log(2.0 / 7), // b starts the next one
            -Math.Log(0.3 * 5 / 7), // a follows b
            -Math.Log(0.49), // "b a" ends
            -Math.Log(2.0 / 7), // b starts a sentence the document cuts
        ];
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], losses[i], 13);
        }
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 0)]
    [InlineData(2, 2)]
    public void Two_token_documents_match_the_direct_computation(int first, int second)
    {
        var losses = Evaluate([first, second]);
        var q = first == 1 ? 5.0 / 7 : 2.0 / 7;
        Assert.Equal(-Math.Log(q), losses[0], 13);
        var direct = second == 0 ? 0.7 : 0.3 * (second == 1 ? 5.0 / 7 : 2.0 / 7);
        Assert.Equal(-Math.Log(direct), losses[1], 13);

        var (predicted, firstLoss) = Loss.Sum([first, second], new double[2]);
        Assert.Equal(losses[1], predicted);
        Assert.Equal(losses[0], firstLoss);
    }

    [Fact]
    public void A_one_token_document_has_only_the_first_token_loss()
    {
        var losses = Evaluate([2]);
        Assert.Equal(-Math.Log(2.0 / 7), losses[0], 13);
        var (predicted, first) = Loss.Sum([2], new double[1]);
        Assert.Equal(0.0, predicted);
        Assert.Equal(losses[0], first);
    }

    [Fact]
    public void A_document_that_ends_with_a_separator_scores_the_end()
    {
        var losses = Evaluate([1, 1, 0]);
        Assert.Equal(-Math.Log(0.3 * 5 / 7), losses[1], 13);

        // P(aa) / P(prefix aa) = C1 0.3 0.25 / (0.3 (5/7)^2) = 0.49.
        Assert.Equal(-Math.Log(0.49), losses[2], 13);
    }

    [Fact]
    public void Impossible_tokens_and_empty_sentences_cost_infinity()
    {
        var losses = Evaluate([1, 7, 0, 0, 1]);
        Assert.Equal(double.PositiveInfinity, losses[1]);
        Assert.Equal(double.PositiveInfinity, losses[2]); // the end of an impossible sentence
        Assert.Equal(double.PositiveInfinity, losses[3]); // an empty sentence
        Assert.Equal(-Math.Log(5.0 / 7), losses[4], 13);
    }

    [Fact]
    public void A_short_loss_buffer_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Loss.Evaluate([1, 1], new double[1]));
    }

    [Fact]
    public void Sampled_documents_score_like_their_sentences_one_by_one()
    {
        // The document path (separators, cut last sentence) against the parser run on each sentence by hand.
        var compiled = CompiledGrammar.Renormalised(FloorGrammars.File("study/gzipscale-0.42.pcfg"));
        var prefix = PrefixGrammar.Build(compiled);
        var loss = new DocumentLoss(prefix);
        var parser = new PrefixParser(prefix);
        var sampler = new DocumentSampler(compiled, 9, 128);
        var document = new int[128];
        var losses = new double[128];
        for (var d = 0; d < 20; d++)
        {
            sampler.SampleDocument(d, document);
            loss.Evaluate(document, losses);
            var start = 0;
            while (start < document.Length)
            {
                var end = Array.IndexOf(document, 0, start);
                var complete = end >= 0;
                end = complete ? end : document.Length;
                var conditionals = new double[end - start];
                var ending = parser.Parse(document.AsSpan(start, end - start), complete, conditionals);
                for (var i = start; i < end; i++)
                {
                    Assert.Equal(-Math.Log(conditionals[i - start]), losses[i]);
                    Assert.True(double.IsFinite(losses[i]) && losses[i] >= -1e-12, $"loss {losses[i]}"); // a certain token may round to 1 + 2e-16
                }

                if (complete)
                {
                    Assert.Equal(-Math.Log(ending), losses[end]);
                }

                start = end + 1;
            }
        }
    }
}
