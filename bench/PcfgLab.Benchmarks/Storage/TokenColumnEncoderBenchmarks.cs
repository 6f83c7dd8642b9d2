using BenchmarkDotNet.Attributes;
using PcfgLab.Compression;
using PcfgLab.Grammars;
using PcfgLab.Sampling;
using PcfgLab.Storage;

namespace PcfgLab.Benchmarks.Storage;

/// <summary>
/// The inner loops of writing a token file: bit-packing one row group of 8192 documents of 256 tokens of
/// (20,300,10,5) (9 bits a token), its min/max pass, the whole column chunk (levels, packing, codec, headers) to a
/// null stream with each codec, and the gzip sample of 1000 regenerated documents on one and two threads.
/// Run: dotnet run -c Release --project bench/PcfgLab.Benchmarks -- --filter '*TokenColumnEncoderBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class TokenColumnEncoderBenchmarks
{
    private const int DocumentLength = 256;
    private const int Documents = 8192;
    private int[] _tokens = [];
    private byte[] _packed = [];
    private DocumentSampler? _sampler;

    /// <summary>Samples one row group.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var grammar = CompiledGrammar.Renormalised(RandomGrammarBuilder.Build(new GrammarSpec(20, 300, 10, 5), 1));
        _sampler = new DocumentSampler(grammar, 1, DocumentLength);
        _tokens = new int[Documents * DocumentLength];
        _sampler.SampleDocuments(0, Documents, _tokens);
        _packed = new byte[_tokens.Length * 2];
    }

    /// <summary>Bit-packs the row group's 2.1M tokens at 9 bits.</summary>
    [Benchmark]
    public int PackRuns() => TokenColumnEncoder.PackRuns(_tokens, 9, _packed);

    /// <summary>Smallest and largest token of the row group.</summary>
    [Benchmark]
    public int MinMax() => TokenColumnEncoder.MinMax(_tokens).Max;

    /// <summary>The whole column chunk of the row group, to a null stream.</summary>
    [Benchmark]
    [Arguments("none")]
    [Arguments("snappy")]
    [Arguments("zstd")]
    public long WriteFixed(string codec)
    {
        using var encoder = new TokenColumnEncoder(ParquetCompression.Parse(codec));
        return encoder.WriteFixed(Stream.Null, _tokens, DocumentLength).CompressedBytes;
    }

    /// <summary>The generator's gzip sample: 1000 documents regenerated and deflated at level 9.</summary>
    [Benchmark]
    [Arguments(1)]
    [Arguments(2)]
    public double GzipSample(int threads) =>
        PcfgLab.Compression.GzipSample.MeasureRegenerated(_sampler!, 390_625, 1000, 0, DeflateImplementation.ZlibNg, threads).Summary.Median;
}
