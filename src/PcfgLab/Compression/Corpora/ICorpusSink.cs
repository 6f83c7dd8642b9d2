namespace PcfgLab.Compression.Corpora;

/// <summary>
/// Receives a corpus from a <see cref="CorpusSource"/> as a stream of documents: text in pieces (cut at line
/// boundaries) or token ids, each document closed by <see cref="EndDocument"/>.
/// </summary>
public interface ICorpusSink
{
    /// <summary>Appends a piece of the current document's text.</summary>
    void AppendText(ReadOnlySpan<char> text);

    /// <summary>Appends token ids to the current document.</summary>
    void AppendTokens(ReadOnlySpan<int> tokens);

    /// <summary>Closes the current document (its incomplete last window is dropped).</summary>
    void EndDocument();

    /// <summary>Reports that <paramref name="bytes"/> more bytes of input were read (for progress and throughput).</summary>
    void BytesRead(long bytes);

    /// <summary>Reports that a file or record was skipped, and why (for example <c>binary</c>).</summary>
    void Skipped(string item, string reason);
}
