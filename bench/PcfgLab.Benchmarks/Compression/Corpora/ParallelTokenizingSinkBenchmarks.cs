using BenchmarkDotNet.Attributes;
using Microsoft.ML.Tokenizers;
using PcfgLab.Compression.Corpora;
using PcfgLab.Compression.Tokenization;

namespace PcfgLab.Benchmarks.Compression.Corpora;

/// <summary>
/// Tokenising C headers (cl100k) through <see cref="ParallelTokenizingSink"/> on one and two threads, with the
/// in-order hand-over, into a sink that only counts tokens: what <c>pcfglab gzip</c> gains from a second core.
/// The text is the first 4 MiB of /usr/include/**/*.h (files in name order), in pieces of at most 64 KiB; each
/// thread's tokenizer is made once, so the figure is the warm rate.
/// Run: dotnet run -c Release --project bench/PcfgLab.Benchmarks -- --filter '*ParallelTokenizingSinkBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class ParallelTokenizingSinkBenchmarks
{
    private readonly Tokenizer _first = TokenizerFactory.Create("cl100k");
    private readonly Tokenizer _second = TokenizerFactory.CreateUnshared("cl100k");
    private readonly List<string> _pieces = [];

    /// <summary>Threads that tokenise (the calling one included).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Reads the headers.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var total = 0;
        var files = Directory.Exists("/usr/include") ? Directory.GetFiles("/usr/include", "*.h", SearchOption.AllDirectories) : [];
        Array.Sort(files, StringComparer.Ordinal);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            for (var at = 0; at < text.Length && total < (4 << 20); at += 65536)
            {
                var piece = text.Substring(at, Math.Min(65536, text.Length - at));
                _pieces.Add(piece);
                total += piece.Length;
            }
        }

        if (_pieces.Count == 0)
        {
            _pieces.Add(string.Concat(Enumerable.Repeat("int main(void) { return 0; }\n", 100_000)));
        }
    }

    /// <summary>Every piece as its own document.</summary>
    [Benchmark]
    public long TokenizeInOrder()
    {
        var counter = new CountingSink();
        using (var sink = new ParallelTokenizingSink(counter, _first, () => _second, Threads))
        {
            foreach (var piece in _pieces)
            {
                sink.AppendText(piece);
                sink.EndDocument();
            }

            sink.Complete();
        }

        return counter.Tokens;
    }

    private sealed class CountingSink : ICorpusSink
    {
        public long Tokens { get; private set; }

        public void AppendText(ReadOnlySpan<char> text) => throw new NotSupportedException();

        public void AppendTokens(ReadOnlySpan<int> tokens) => Tokens += tokens.Length;

        public void EndDocument()
        {
        }

        public void BytesRead(long bytes)
        {
        }

        public void Skipped(string item, string reason)
        {
        }
    }
}
