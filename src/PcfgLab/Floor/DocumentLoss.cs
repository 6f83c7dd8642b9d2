using PcfgLab.Sampling;

namespace PcfgLab.Floor;

/// <summary>
/// The ideal next-token loss at every position of a document made by <see cref="DocumentSampler"/>: sentences drawn
/// independently, joined by <see cref="DocumentSampler.Separator"/>, the last one cut where the document ends. Since
/// sentences are independent and the separator marks their boundaries, p(x_t | x_&lt;t) depends only on the current
/// sentence: a ratio of prefix probabilities inside it, P(sentence = prefix) / P(prefix) for the separator, and the
/// one-token prefix probability for a sentence's first token. Not thread-safe; one per thread.
/// </summary>
internal sealed class DocumentLoss
{
    private readonly PrefixParser _parser;
    private double[] _conditionals = new double[256];

    /// <summary>Creates the workspace for <paramref name="grammar"/>.</summary>
    public DocumentLoss(PrefixGrammar grammar)
    {
        _parser = new PrefixParser(grammar);
    }

    /// <summary>
    /// Writes -ln p(x_t | x_&lt;t) in nats for every position of <paramref name="document"/> into
    /// <paramref name="losses"/>; the first is -ln of the probability that a sentence starts with x_1 (a causal
    /// language model's loss leaves it out). A token the grammar cannot produce there gets +infinity.
    /// </summary>
    public void Evaluate(ReadOnlySpan<int> document, Span<double> losses)
    {
        if (losses.Length < document.Length)
        {
            throw new ArgumentException($"The losses need room for {document.Length} values, not {losses.Length}.", nameof(losses));
        }

        if (_conditionals.Length < document.Length)
        {
            _conditionals = new double[Math.Max(document.Length, _conditionals.Length * 2)];
        }

        var start = 0;
        while (start < document.Length)
        {
            var stop = document[start..].IndexOf(DocumentSampler.Separator);
            var complete = stop >= 0;
            var end = complete ? start + stop : document.Length;
            if (end == start)
            {
                // A separator where a sentence should start: no grammar here makes empty sentences.
                losses[start] = double.PositiveInfinity;
                start++;
                continue;
            }

            var ending = _parser.Parse(document[start..end], complete, _conditionals.AsSpan(0, end - start));
            for (var i = start; i < end; i++)
            {
                losses[i] = -Math.Log(_conditionals[i - start]);
            }

            if (complete)
            {
                losses[end] = -Math.Log(ending);
            }

            start = end + 1;
        }
    }

    /// <summary>
    /// The sum of -ln p(x_t | x_&lt;t) over positions 2..L (what a causal language model's loss averages) and the loss of
    /// position 1, using <paramref name="scratch"/> (at least the document's length) for the per-position values.
    /// </summary>
    public (double Predicted, double First) Sum(ReadOnlySpan<int> document, Span<double> scratch)
    {
        Evaluate(document, scratch);
        var sum = 0.0;
        for (var i = 1; i < document.Length; i++)
        {
            sum += scratch[i];
        }

        return (sum, document.Length > 0 ? scratch[0] : double.NaN);
    }
}
