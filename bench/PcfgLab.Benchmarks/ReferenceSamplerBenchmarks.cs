using BenchmarkDotNet.Attributes;
using PcfgLab.Sampling;

namespace PcfgLab.Benchmarks;

/// <summary>
/// The bit-exact reference profile on one thread: each invocation continues one sampler for 64 documents of the
/// reference's accounting (16,384 tokens). Each operation is one token, so 1e9 / Mean is tokens per second
/// (documents of 255 tokens make the true count up to 0.4% lower).
/// </summary>
[MemoryDiagnoser]
public class ReferenceSamplerBenchmarks
{
    private const int Tokens = 64 * ReferenceSampler.TokensPerDocument;

    private ReferenceSampler _sampler = null!;

    /// <summary>The six study presets at seed 1 and one supercritical grammar that the reference rejects often on.</summary>
    [Params(
        "3,20,2,2 s1",
        "10,150,5,3 s1",
        "20,300,10,5 s1",
        "30,400,10,8 s1",
        "50,500,20,15 s1",
        "100,2000,100,30 s1",
        "50,500,20,15 s10")]
    public string Preset { get; set; } = "20,300,10,5 s1";

    [GlobalSetup]
    public void Setup()
    {
        var (spec, seed) = DocumentSamplerBenchmarks.ParsePreset(Preset);
        _sampler = new ReferenceSampler(spec, new Seed(seed));
    }

    [Benchmark(OperationsPerInvoke = Tokens)]
    public int SampleDocuments()
    {
        var last = 0;
        foreach (var document in _sampler.Documents(Tokens))
        {
            last = document[^1];
        }

        return last;
    }
}
