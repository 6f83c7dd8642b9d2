using PcfgLab.Sampling;

namespace PcfgLab.Floor;

/// <summary>
/// A dataset's loss floor and its grammar's entropy rate side by side, in nats, bits and as a share of ln V.
/// </summary>
/// <param name="Rate">The entropy rate of the sentence stream.</param>
/// <param name="Document">The document-level floor, or null when it was not asked for.</param>
/// <param name="Vocabulary">V: the distinct tokens a document can hold, the terminals the grammar uses plus the
/// separator. ln V is the loss of a model that knows nothing but the token set.</param>
public sealed record FloorSummary(EntropyRateEstimate Rate, LossFloorEstimate? Document, int Vocabulary)
{
    /// <summary>ln V, nats per token.</summary>
    public double LogVocabulary => Math.Log(Vocabulary);

    /// <summary>Entropy rate in bits per token.</summary>
    public double RateBits => Rate.RateNats / Math.Log(2);

    /// <summary>Entropy rate over ln V: 0 for a deterministic stream, 1 for uniform tokens; set it beside gzip's ratio.</summary>
    public double RateOverLogVocabulary => Rate.RateNats / LogVocabulary;

    /// <summary>Document-level floor in bits per token, or NaN without one.</summary>
    public double DocumentBits => Document is { } d ? d.MeanNats / Math.Log(2) : double.NaN;

    /// <summary>Document-level floor over ln V, or NaN without one.</summary>
    public double DocumentOverLogVocabulary => Document is { } d ? d.MeanNats / LogVocabulary : double.NaN;

    /// <summary>
    /// Document-level floor minus entropy rate (nats per token): the edge effects of documents, positive when the
    /// sentences cut at the end and the unpredicted first token leave harder positions behind, negative when they
    /// leave easier ones. NaN without a document-level figure.
    /// </summary>
    public double GapNats => Document is { } d ? d.MeanNats - Rate.RateNats : double.NaN;
}

/// <summary>Computes a <see cref="FloorSummary"/> for a grammar and a dataset's seed and document length.</summary>
public static class FloorAnalysis
{
    /// <summary>Computes the entropy rate and, when <paramref name="documents"/> &gt; 0, the document-level floor.</summary>
    /// <param name="grammar">The sampler's grammar.</param>
    /// <param name="seed">Dataset seed: documents are those <see cref="DocumentSampler"/> makes with it; the sentences of
    /// the entropy estimate come from separate streams of the same seed.</param>
    /// <param name="documentLength">Tokens per document.</param>
    /// <param name="documents">Documents to measure, or 0 for the entropy rate alone.</param>
    /// <param name="sentences">Sentences of the entropy estimate.</param>
    /// <param name="threads">Worker threads; the result does not depend on them.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    public static FloorSummary Analyze(
        CompiledGrammar grammar,
        ulong seed,
        int documentLength,
        int documents = LossFloor.DefaultDocuments,
        int sentences = EntropyRate.DefaultSentences,
        int threads = 1,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        if (documents < 0)
        {
            throw UserInputException.ForParameters($"{new Parameter("documents")} must be zero or positive, got {documents}.");
        }

        // Before any work: an estimate too large for memory fails here with one line, not hours later.
        LossFloor.ValidateDocuments(documents, "documents");
        EntropyRate.ValidateSentences(sentences, "sentences");

        var prefix = PrefixGrammar.Build(grammar);
        var rate = EntropyRate.Estimate(prefix, seed, sentences, threads, cancellationToken);
        var document = documents > 0
            ? LossFloor.Estimate(prefix, seed, documentLength, documents, threads, cancellationToken)
            : null;
        return new FloorSummary(rate, document, grammar.Source.TerminalIds().Length + 1);
    }
}
