using System.Globalization;
using BenchmarkDotNet.Attributes;
using PcfgLab.Grammars;

namespace PcfgLab.Benchmarks;

/// <summary>Writing, reading and analysing the largest study grammar (gzipscale-0.61, 4,999 rules, seed 1).</summary>
[MemoryDiagnoser]
public class GrammarBenchmarks
{
    private Grammar _grammar = null!;
    private string _text = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _grammar = RandomGrammarBuilder.Build(GrammarPresets.Get("gzipscale-0.61").Spec, 1);
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        NltkGrammarFormat.Write(_grammar, writer);
        _text = writer.ToString();
    }

    [Benchmark]
    public Grammar Build() => RandomGrammarBuilder.Build(GrammarPresets.Get("gzipscale-0.61").Spec, 1);

    [Benchmark]
    public int Write()
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        NltkGrammarFormat.Write(_grammar, writer);
        return writer.GetStringBuilder().Length;
    }

    [Benchmark]
    public Grammar Read() => NltkGrammarFormat.Read(new StringReader(_text));

    [Benchmark]
    public GrammarReport Analyze() => GrammarAnalysis.Analyze(_grammar);
}
