using System.Buffers;
using Microsoft.ML.Tokenizers;
using PcfgLab.Compression.Corpora;
using PcfgLab.Compression.Tokenization;

namespace PcfgLab.Tests.Compression.Corpora;

public sealed class ParallelTokenizingSinkTests
{
    private static readonly Tokenizer Cl100k = TokenizerFactory.Create("cl100k");

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_inner_sink_gets_the_calls_in_order_with_text_tokenised(int threads)
    {
        // Many small pieces and a few large ones, documents of several pieces, skips and byte counts between them:
        // whatever finishes first, the inner sink must see exactly the single-threaded sequence.
        var random = new Random(threads);
        var expected = new RecordingSink();
        var actual = new RecordingSink();
        using (var parallel = new ParallelTokenizingSink(actual, Cl100k, () => TokenizerFactory.CreateUnshared("cl100k"), threads))
        {
            for (var document = 0; document < 300; document++)
            {
                var pieces = 1 + random.Next(3);
                for (var p = 0; p < pieces; p++)
                {
                    // Mostly small pieces (batched), some of 20k words (a batch each), now and then an empty one.
                    var text = random.Next(40) == 0 ? string.Empty : Text(random, random.Next(10) == 0 ? 20_000 : 1 + random.Next(300));
                    parallel.AppendText(text);
                    expected.AppendTokens([.. Cl100k.EncodeToIds(text)]);
                    parallel.BytesRead(text.Length);
                    expected.BytesRead(text.Length);
                }

                if (document % 50 == 7)
                {
                    parallel.Skipped($"f{document}.bin", "binary");
                    expected.Skipped($"f{document}.bin", "binary");
                    parallel.AppendTokens([document, 1, 2]);
                    expected.AppendTokens([document, 1, 2]);
                }

                parallel.EndDocument();
                expected.EndDocument();
            }

            parallel.Complete();
        }

        // A document of empty pieces only has no tokens: the recording sink files it as an empty text document.
        Assert.Equal(300, actual.TokenDocuments.Count + actual.TextDocuments.Count);
        Assert.Equal(expected.TokenDocuments, actual.TokenDocuments);
        Assert.Equal(expected.TextDocuments, actual.TextDocuments);
        Assert.Equal(expected.Skips, actual.Skips);
        Assert.Equal(expected.Bytes, actual.Bytes);
    }

    [Fact]
    public void Calls_before_any_text_pass_straight_through()
    {
        var inner = new RecordingSink();
        using var parallel = new ParallelTokenizingSink(inner, Cl100k, () => TokenizerFactory.Create("cl100k"), 2);
        parallel.BytesRead(5);
        parallel.Skipped("a.bin", "binary");
        Assert.Equal(5, inner.Bytes);
        Assert.Equal(["a.bin:binary"], inner.Skips);
    }

    [Fact]
    public void A_tokenizer_failure_reaches_the_reading_thread()
    {
        var inner = new RecordingSink();
        using var parallel = new ParallelTokenizingSink(inner, new FailingTokenizer(), () => new FailingTokenizer(), 2);
        parallel.AppendText("fine");
        parallel.AppendText("boom");
        var error = Assert.Throws<InvalidDataException>(parallel.Complete);
        Assert.Equal("boom", error.Message);
    }

    private static string Text(Random random, int words)
    {
        string[] vocabulary = ["int", " x", "=", " 0;", "\n", "#define", " FOO", "(", ")", " /* note */", "struct", " é", "ü"];
        var builder = new System.Text.StringBuilder();
        for (var w = 0; w < words; w++)
        {
            builder.Append(vocabulary[random.Next(vocabulary.Length)]);
        }

        return builder.ToString();
    }

    /// <summary>Tokenizes every piece to its length, except a piece that says "boom".</summary>
    private sealed class FailingTokenizer : Tokenizer
    {
        protected override EncodeResults<EncodedToken> EncodeToTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
        {
            var span = text is null ? textSpan : text.AsSpan();
            if (span.SequenceEqual("boom"))
            {
                throw new InvalidDataException("boom");
            }

            return new EncodeResults<EncodedToken> { Tokens = [new EncodedToken(span.Length, "x", new Range(0, span.Length))], CharsConsumed = span.Length };
        }

        public override OperationStatus Decode(IEnumerable<int> ids, Span<char> destination, out int idsConsumed, out int charsWritten) =>
            throw new NotSupportedException();
    }
}
