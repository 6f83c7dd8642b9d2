using BenchmarkDotNet.Attributes;
using PcfgLab.Grammars;
using PcfgLab.Sampling;

namespace PcfgLab.Benchmarks;

/// <summary>
/// Document sampling on one thread. Each operation is one token (<see cref="Tokens"/> per invocation), so the Mean
/// column is nanoseconds per token and 1e9 / Mean is tokens per second.
/// </summary>
[MemoryDiagnoser]
public class DocumentSamplerBenchmarks
{
    private const int Documents = 1024;
    private const int Tokens = Documents * DocumentSampler.DefaultDocumentLength;

    private DocumentSampler _sampler = null!;
    private int[] _buffer = null!;
    private long _next;

    /// <summary>Grammar spec and grammar seed: the six study presets at seed 1 and two supercritical grammars.</summary>
    [Params(
        "3,20,2,2 s1",
        "10,150,5,3 s1",
        "20,300,10,5 s1",
        "30,400,10,8 s1",
        "50,500,20,15 s1",
        "100,2000,100,30 s1",
        "100,300,100,30 s1",
        "50,500,20,15 s10")]
    public string Preset { get; set; } = "20,300,10,5 s1";

    [GlobalSetup]
    public void Setup()
    {
        var (spec, seed) = ParsePreset(Preset);
        var grammar = CompiledGrammar.Renormalised(RandomGrammarBuilder.Build(spec, seed));
        _sampler = new DocumentSampler(grammar, seed: 1);
        _buffer = new int[Tokens];
        _next = 0;
    }

    [Benchmark(OperationsPerInvoke = Tokens)]
    public int SampleDocuments()
    {
        _sampler.SampleDocuments(_next, Documents, _buffer);
        _next += Documents;
        return _buffer[^1];
    }

    internal static (GrammarSpec Spec, long Seed) ParsePreset(string preset)
    {
        var parts = preset.Split(' ');
        var numbers = Array.ConvertAll(parts[0].Split(','), s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture));
        var seed = long.Parse(parts[1].AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        return (new GrammarSpec(numbers[0], numbers[1], numbers[2], numbers[3]), seed);
    }
}
