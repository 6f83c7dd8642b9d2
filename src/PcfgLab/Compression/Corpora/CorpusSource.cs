namespace PcfgLab.Compression.Corpora;

/// <summary>A corpus on disk that streams its documents to an <see cref="ICorpusSink"/>.</summary>
public abstract class CorpusSource
{
    /// <summary>Creates a source for <paramref name="path"/>.</summary>
    protected CorpusSource(string path)
    {
        Path = path;
    }

    /// <summary>The path the user gave.</summary>
    public string Path { get; }

    /// <summary>What the source holds, for example <c>text files</c> or <c>parquet input_ids</c>.</summary>
    public abstract string Description { get; }

    /// <summary>True when documents arrive as token ids (no tokenizer needed), false when they arrive as text.</summary>
    public abstract bool HasTokens { get; }

    /// <summary>Input size in bytes, for the progress bar (file sizes on disk).</summary>
    public abstract long TotalBytes { get; }

    /// <summary>Streams every document, in a fixed order, to <paramref name="sink"/>.</summary>
    public abstract Task ReadAsync(ICorpusSink sink, CancellationToken cancellationToken);
}
