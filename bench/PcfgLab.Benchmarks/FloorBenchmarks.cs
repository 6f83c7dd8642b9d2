using BenchmarkDotNet.Attributes;
using PcfgLab.Floor;
using PcfgLab.Grammars;
using PcfgLab.Sampling;

namespace PcfgLab.Benchmarks;

/// <summary>
/// The document-level loss floor of 1,000 documents of 256 tokens (what <c>generate</c> records and <c>pcfglab floor</c>
/// prints), on both cores, for the 0.35 and 0.61 study presets at seed 1. Targets: under 10 s and under 1 min.
/// Also the entropy rate (20,000 sentences) and the floor on one thread.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class FloorBenchmarks
{
    private PrefixGrammar _grammar = null!;

    /// <summary>The study preset.</summary>
    [Params("gzipscale-0.35", "gzipscale-0.61")]
    public string Preset { get; set; } = "gzipscale-0.35";

    [GlobalSetup]
    public void Setup() =>
        _grammar = PrefixGrammar.Build(CompiledGrammar.Renormalised(RandomGrammarBuilder.Build(GrammarPresets.Get(Preset).Spec, 1)));

    [Benchmark]
    public double Floor1000DocumentsTwoThreads() => LossFloor.Estimate(_grammar, 1, 256, 1000, threads: 2).MeanNats;

    [Benchmark]
    public double Floor1000DocumentsOneThread() => LossFloor.Estimate(_grammar, 1, 256, 1000, threads: 1).MeanNats;

    [Benchmark]
    public double EntropyRate20000SentencesTwoThreads() => EntropyRate.Estimate(_grammar, 1, 20_000, threads: 2).RateNats;

    [Benchmark]
    public PrefixGrammar BuildTables() => PrefixGrammar.Build(_grammar.Compiled);
}
