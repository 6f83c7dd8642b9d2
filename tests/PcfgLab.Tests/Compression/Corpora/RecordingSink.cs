using System.Text;
using PcfgLab.Compression.Corpora;

namespace PcfgLab.Tests.Compression.Corpora;

/// <summary>Collects what a source streams: documents as text or tokens, the pieces, skips and bytes.</summary>
internal sealed class RecordingSink : ICorpusSink
{
    private readonly StringBuilder _text = new();
    private readonly List<int> _tokens = [];

    public List<string> TextDocuments { get; } = [];

    public List<int[]> TokenDocuments { get; } = [];

    public List<string> Pieces { get; } = [];

    public List<string> Skips { get; } = [];

    public long Bytes { get; private set; }

    public void AppendText(ReadOnlySpan<char> text)
    {
        Pieces.Add(text.ToString());
        _text.Append(text);
    }

    public void AppendTokens(ReadOnlySpan<int> tokens) => _tokens.AddRange(tokens);

    public void EndDocument()
    {
        if (_tokens.Count > 0)
        {
            TokenDocuments.Add([.. _tokens]);
        }
        else
        {
            TextDocuments.Add(_text.ToString());
        }

        _tokens.Clear();
        _text.Clear();
    }

    public void BytesRead(long bytes) => Bytes += bytes;

    public void Skipped(string item, string reason) => Skips.Add(Path.GetFileName(item) + ":" + reason);
}
