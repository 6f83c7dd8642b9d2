using PcfgLab.Sampling;

namespace PcfgLab.Floor;

/// <summary>
/// The lowest loss any language model can reach on a dataset's documents, estimated on a sample of them.
/// </summary>
/// <param name="MeanNats">Mean of -ln p(x_t | x_&lt;t) over positions 2..L of the documents, in nats per token: a
/// causal language model's loss (Hugging Face's shifted labels) under the dataset's own distribution.</param>
/// <param name="StandardError">Standard error of <see cref="MeanNats"/> over documents (sample sd / sqrt(documents)).</param>
/// <param name="Lower95">Lower end of the 95% interval, mean - 1.96 standard errors.</param>
/// <param name="Upper95">Upper end of the 95% interval.</param>
/// <param name="FirstTokenNats">Mean -ln p(x_1): the first token's loss, which the causal loss leaves out.</param>
/// <param name="Documents">Documents measured.</param>
/// <param name="DocumentLength">Tokens per document.</param>
/// <param name="Seed">Dataset seed: document d is the one <see cref="DocumentSampler"/> makes for (grammar, seed, d).</param>
public sealed record LossFloorEstimate(
    double MeanNats,
    double StandardError,
    double Lower95,
    double Upper95,
    double FirstTokenNats,
    int Documents,
    int DocumentLength,
    ulong Seed);

/// <summary>
/// Estimates the document-level loss floor: documents 0..N-1 of the dataset (exactly those <c>pcfglab generate</c>
/// writes for the grammar, seed and document length), each scored exactly with <see cref="DocumentLoss"/>. Parallel
/// over documents; every document's value lands in its own slot and the sums run in document order, so the result is
/// bit-identical for any thread count.
/// </summary>
public static class LossFloor
{
    /// <summary>Default number of documents measured.</summary>
    public const int DefaultDocuments = 1000;

    /// <summary>Most documents one estimate measures: each keeps its values in memory until the sums, and the standard
    /// error is long negligible before this many.</summary>
    public const int MaxDocuments = 10_000_000;

    /// <summary>Two-sided 95% normal quantile.</summary>
    internal const double Z95 = 1.959963984540054;

    /// <summary>Estimates the floor on documents 0..<paramref name="documents"/>-1.</summary>
    /// <param name="grammar">The grammar's parser tables.</param>
    /// <param name="seed">Dataset seed.</param>
    /// <param name="documentLength">Tokens per document; at least 2, since a causal loss predicts positions 2..L.</param>
    /// <param name="documents">Documents to measure, at least 1.</param>
    /// <param name="threads">Worker threads, at least 1.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    public static LossFloorEstimate Estimate(
        PrefixGrammar grammar,
        ulong seed,
        int documentLength,
        int documents = DefaultDocuments,
        int threads = 1,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        if (documentLength < 2)
        {
            throw UserInputException.ForParameters($"the loss floor needs documents of at least 2 tokens (a causal loss predicts positions 2..L), got {new Parameter("documentLength")} {documentLength}.");
        }

        if (documents < 1)
        {
            throw UserInputException.ForParameters($"{new Parameter("documents")} must be positive, got {documents}.");
        }

        ValidateDocuments(documents, "documents");

        if (threads < 1)
        {
            throw UserInputException.ForParameters($"{new Parameter("threads")} must be positive, got {threads}.");
        }

        var means = new double[documents];
        var firsts = new double[documents];
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };

        // Contiguous blocks of documents per task keep the per-thread workspaces warm.
        var blocks = Math.Min(documents, threads * 8);
        Parallel.For(0, blocks, options, () => new Worker(grammar, seed, documentLength), (block, _, worker) =>
        {
            var from = (int)((long)documents * block / blocks);
            var to = (int)((long)documents * (block + 1) / blocks);
            for (var d = from; d < to; d++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                (means[d], firsts[d]) = worker.Measure(d);
            }

            return worker;
        }, _ => { });

        var sum = 0.0;
        var firstSum = 0.0;
        for (var d = 0; d < documents; d++)
        {
            sum += means[d];
            firstSum += firsts[d];
        }

        var mean = sum / documents;
        var squares = 0.0;
        for (var d = 0; d < documents; d++)
        {
            squares += (means[d] - mean) * (means[d] - mean);
        }

        var error = documents > 1 ? Math.Sqrt(squares / (documents - 1) / documents) : double.NaN;
        return new LossFloorEstimate(mean, error, mean - (Z95 * error), mean + (Z95 * error), firstSum / documents, documents, documentLength, seed);
    }

    /// <summary>Refuses more than <see cref="MaxDocuments"/> documents (named <paramref name="parameter"/>) before any work.</summary>
    internal static void ValidateDocuments(long documents, string parameter)
    {
        if (documents > MaxDocuments)
        {
            throw UserInputException.ForParameters(
                $"{new Parameter(parameter)} must be at most {MaxDocuments} (each document's loss is kept in memory for the standard error, which is negligible long before that), got {documents}.");
        }
    }

    private sealed class Worker(PrefixGrammar grammar, ulong seed, int documentLength)
    {
        private readonly DocumentSampler _sampler = new(grammar.Compiled, seed, documentLength);
        private readonly DocumentLoss _loss = new(grammar);
        private readonly int[] _document = new int[documentLength];
        private readonly double[] _scratch = new double[documentLength];

        public (double Mean, double First) Measure(long index)
        {
            _sampler.SampleDocument(index, _document);
            var (predicted, first) = _loss.Sum(_document, _scratch);
            return (predicted / (_document.Length - 1), first);
        }
    }
}
