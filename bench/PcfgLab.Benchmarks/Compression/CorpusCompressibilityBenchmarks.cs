using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.Tokenizers;
using PcfgLab.Compression.Compressors;
using PcfgLab.Compression.Tokenization;

namespace PcfgLab.Benchmarks.Compression;

/// <summary>
/// The two costs of measuring a real corpus: tokenizing text (cl100k, per 64 KiB of English-like text) and
/// compressing one 256-token window with each compressor.
/// </summary>
[MemoryDiagnoser]
public class CorpusCompressibilityBenchmarks
{
    private readonly Tokenizer _cl100k = TokenizerFactory.Create("cl100k");
    private readonly DocumentCompressor[] _compressors = [.. CompressorNames.ParseList(["gzip6,gzip1,brotli,zstd"])];
    private string _text = string.Empty;
    private byte[] _window = [];

    /// <summary>Compressor measured by <see cref="CompressWindow"/>.</summary>
    [Params("gzip9", "gzip6", "gzip1", "brotli", "zstd")]
    public string Compressor { get; set; } = "gzip9";

    /// <summary>Builds 64 KiB of word salad and one window of its tokens.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var words = "the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were her".Split(' ');
        var builder = new StringBuilder();
        while (builder.Length < 65536)
        {
            builder.Append(words[random.Next(words.Length)]).Append(random.Next(12) == 0 ? ".\n" : " ");
        }

        _text = builder.ToString();
        var ids = _cl100k.EncodeToIds(_text).Take(256).ToArray();
        _window = new byte[ids.Length * 4];
        DocumentCompressor.WriteBigEndian(ids, _window);
    }

    /// <summary>Tokenizes 64 KiB of text with cl100k.</summary>
    [Benchmark]
    public int TokenizeCl100k64KiB() => _cl100k.EncodeToIds(_text).Count;

    /// <summary>Compressed size of one 256-token window.</summary>
    [Benchmark]
    public int CompressWindow() => Array.Find(_compressors, c => c.Name == Compressor)!.CompressedSize(_window);
}
