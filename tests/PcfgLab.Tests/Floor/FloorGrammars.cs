using PcfgLab.Grammars;
using PcfgLab.Sampling;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Floor;

/// <summary>Small grammars whose string probabilities are known in closed form, and the committed ones.</summary>
internal static class FloorGrammars
{
    /// <summary>S -&gt; S S [branch] | 'a' [pa] | 'b' [1 - branch - pa]: every string of length L has C(L-1) trees.</summary>
    public static Grammar Catalan(double branch = 0.3, double pa = 0.5) => new(
        ["S"],
        0,
        [[
            new Production(0, [SymbolCode.Nonterminal(0), SymbolCode.Nonterminal(0)], branch),
            new Production(0, [1], pa),
            new Production(0, [2], 1 - branch - pa),
        ]]);

    /// <summary>A -&gt; A 'x' [0.4] | 'y' [0.6]: sentences y x^k with probability 0.6 * 0.4^k (left recursion).</summary>
    public static Grammar LeftRecursive() => new(
        ["A"],
        0,
        [[
            new Production(0, [SymbolCode.Nonterminal(0), 1], 0.4),
            new Production(0, [2], 0.6),
        ]]);

    /// <summary>A -&gt; B [0.3] | 'x' [0.7]; B -&gt; A [0.5] | 'y' [0.5]: a unit cycle; P(x) = 0.7 / 0.85, P(y) = 0.15 / 0.85.</summary>
    public static Grammar UnitCycle() => new(
        ["A", "B"],
        0,
        [
            [new Production(0, [SymbolCode.Nonterminal(1)], 0.3), new Production(0, [1], 0.7)],
            [new Production(1, [SymbolCode.Nonterminal(0)], 0.5), new Production(1, [2], 0.5)],
        ]);

    /// <summary>N0 -&gt; N1 [1.0] ... N(links-1) -&gt; N(links) [1.0], N(links) -&gt; 'x' [1.0]: every sentence is "x", through a
    /// chain of unit rules <paramref name="links"/> long.</summary>
    public static Grammar UnitChain(int links)
    {
        var names = new string[links + 1];
        var rules = new Production[links + 1][];
        for (var i = 0; i <= links; i++)
        {
            names[i] = $"N{i}";
            rules[i] = i < links
                ? [new Production(i, [SymbolCode.Nonterminal(i + 1)], 1.0)]
                : [new Production(i, [1], 1.0)];
        }

        return new Grammar(names, 0, rules);
    }

    /// <summary>S -&gt; 1 2 ... n [1.0]: one rule whose right-hand side is <paramref name="terminals"/> terminals long.</summary>
    public static Grammar LongRule(int terminals)
    {
        var rhs = new int[terminals];
        for (var i = 0; i < terminals; i++)
        {
            rhs[i] = i + 1;
        }

        return new Grammar(["S"], 0, [[new Production(0, rhs, 1.0)]]);
    }

    /// <summary>S -&gt; 1 [1/n] | 2 [1/n] | ... | n [1/n]: one nonterminal with <paramref name="terminals"/> one-terminal alternatives.</summary>
    public static Grammar UniformChoice(int terminals)
    {
        var rules = new Production[terminals];
        for (var i = 0; i < terminals; i++)
        {
            rules[i] = new Production(0, [i + 1], 1.0 / terminals);
        }

        return new Grammar(["S"], 0, [rules]);
    }

    /// <summary>A committed grammar file under grammars/.</summary>
    public static Grammar File(string relative) =>
        NltkGrammarFormat.Load(Path.Combine(SharedFiles.RepositoryRoot, "grammars", relative));

    /// <summary>n-th Catalan number as a double.</summary>
    public static double CatalanNumber(int n)
    {
        var c = 1.0;
        for (var k = 0; k < n; k++)
        {
            c = c * 2 * ((2 * k) + 1) / (k + 2);
        }

        return c;
    }

    /// <summary>Sentences sampled from the grammar (seeded), as arrays.</summary>
    public static List<int[]> Sample(CompiledGrammar grammar, int count, ulong seed, int maxLength = int.MaxValue)
    {
        var sampler = new SentenceSampler(grammar);
        var rng = new Xoshiro256StarStar(seed);
        var result = new List<int[]>();
        var guard = 0;
        while (result.Count < count && guard++ < count * 1000)
        {
            var trace = sampler.SampleSentenceTraced(ref rng);
            if (trace.Tokens.Length <= maxLength)
            {
                result.Add(trace.Tokens);
            }
        }

        return result;
    }
}
