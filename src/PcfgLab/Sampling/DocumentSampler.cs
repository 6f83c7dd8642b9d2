namespace PcfgLab.Sampling;

/// <summary>
/// Samples fixed-length documents: sentences of a <see cref="CompiledGrammar"/> joined by the separator token 0,
/// the sentence that overflows cut at the end, each document starting with a new sentence. When a sentence ends one
/// token before the end, the document's last token is a separator. Document d is a pure function of
/// (grammar, seed, d): its generator is <see cref="Xoshiro256StarStar.ForStream"/>(seed, d), so any split of a
/// dataset over threads, shards or machines gives the same bytes. Not thread-safe; cheap to create, one per thread.
/// </summary>
public sealed class DocumentSampler
{
    /// <summary>Default tokens per document, as in the study.</summary>
    public const int DefaultDocumentLength = 256;

    /// <summary>The token that separates sentences inside a document.</summary>
    public const int Separator = 0;

    private readonly SentenceSampler _sentences;

    /// <summary>Creates a sampler.</summary>
    /// <param name="grammar">The compiled grammar.</param>
    /// <param name="seed">Dataset seed.</param>
    /// <param name="documentLength">Tokens per document, at least 1.</param>
    public DocumentSampler(CompiledGrammar grammar, ulong seed, int documentLength = DefaultDocumentLength)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        ArgumentOutOfRangeException.ThrowIfLessThan(documentLength, 1);
        Grammar = grammar;
        Seed = seed;
        DocumentLength = documentLength;
        _sentences = new SentenceSampler(grammar);
    }

    /// <summary>The grammar sampled.</summary>
    public CompiledGrammar Grammar { get; }

    /// <summary>The dataset seed.</summary>
    public ulong Seed { get; }

    /// <summary>Tokens per document.</summary>
    public int DocumentLength { get; }

    /// <summary>Writes document <paramref name="documentIndex"/> into <paramref name="destination"/>.</summary>
    /// <param name="documentIndex">Index of the document in the dataset, from 0.</param>
    /// <param name="destination">Exactly <see cref="DocumentLength"/> tokens long.</param>
    public void SampleDocument(long documentIndex, Span<int> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(documentIndex);
        if (destination.Length != DocumentLength)
        {
            throw new ArgumentException($"The destination must hold exactly {DocumentLength} tokens, not {destination.Length}.", nameof(destination));
        }

        Fill(documentIndex, destination);
    }

    /// <summary>Writes documents firstDocument .. firstDocument + count - 1 back to back.</summary>
    /// <param name="firstDocument">Index of the first document, from 0.</param>
    /// <param name="count">Number of documents.</param>
    /// <param name="destination">Exactly count * <see cref="DocumentLength"/> tokens long.</param>
    public void SampleDocuments(long firstDocument, int count, Span<int> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstDocument);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (destination.Length != (long)count * DocumentLength)
        {
            throw new ArgumentException($"The destination must hold exactly {count} x {DocumentLength} tokens, not {destination.Length}.", nameof(destination));
        }

        for (var i = 0; i < count; i++)
        {
            Fill(firstDocument + i, destination.Slice(i * DocumentLength, DocumentLength));
        }
    }

    private void Fill(long documentIndex, Span<int> destination)
    {
        var rng = Xoshiro256StarStar.ForStream(Seed, (ulong)documentIndex);
        _sentences.FillDocument(ref rng, destination);
    }
}
