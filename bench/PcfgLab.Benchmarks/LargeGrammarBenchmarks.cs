using BenchmarkDotNet.Attributes;
using PcfgLab.Grammars;
using PcfgLab.Sampling;

namespace PcfgLab.Benchmarks;

/// <summary>
/// Analysing and sampling large grammars: the 200,000-link chain N0 -&gt; N1 -&gt; ... -&gt; 'x' (a dense analysis
/// crashed on it) and a random grammar with 10,000 nonterminals and about 1,000,000 rules
/// (spec (10000, 20000, 199, 3), seed 1: subcritical, one large strongly connected component).
/// </summary>
[MemoryDiagnoser]
public class LargeGrammarBenchmarks
{
    private Grammar _grammar = null!;
    private CompiledGrammar _compiled = null!;
    private int[] _document = [];

    /// <summary>Which grammar.</summary>
    [Params("chain-200k", "random-10k-1M")]
    public string Grammar { get; set; } = "chain-200k";

    [GlobalSetup]
    public void Setup()
    {
        _grammar = Grammar == "chain-200k" ? Chain(200_000) : RandomGrammarBuilder.Build(new GrammarSpec(10_000, 20_000, 199, 3), 1);
        _compiled = CompiledGrammar.Renormalised(_grammar);
        _document = new int[256];
    }

    [Benchmark]
    public GrammarReport Analyze() => GrammarAnalysis.Analyze(_grammar);

    [Benchmark]
    public double[] TerminationProbabilities() => Grammars.TerminationProbabilities.Compute(_grammar);

    [Benchmark]
    public CompiledGrammar Compile() => CompiledGrammar.Renormalised(_grammar);

    /// <summary>One 256-token document (the chain needs 200,001 expansions per token, so one document is 51M expansions).</summary>
    [Benchmark]
    public int SampleOneDocument()
    {
        new DocumentSampler(_compiled, 1, _document.Length).SampleDocuments(0, 1, _document);
        return _document[0];
    }

    private static Grammar Chain(int k)
    {
        var names = new string[k + 1];
        var rules = new IReadOnlyList<Production>[k + 1];
        for (var i = 0; i <= k; i++)
        {
            names[i] = "N" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            rules[i] = [new Production(i, i < k ? [SymbolCode.Nonterminal(i + 1)] : [1], 1.0)];
        }

        return new Grammar(names, 0, rules);
    }
}
