using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using PcfgLab.Grammars;
using PcfgLab.Sampling;

namespace PcfgLab.Floor;

/// <summary>
/// The tables a probabilistic Earley parser (Stolcke 1995) needs for one grammar, built from the grammar conditioned on
/// finite derivations (the distribution <see cref="DocumentSampler"/> draws from, p'(A -&gt; a) = p * prod q_B / q_A):
/// the rules without unit rules, the left-corner closure R_L = (I - P_L)^-1 and the unit closure R_U = (I - P_U)^-1,
/// the rules indexed by their first symbol, and each nonterminal's first terminals. Immutable and shared by all the
/// <see cref="PrefixParser"/>s of a grammar (one per thread).
/// </summary>
/// <remarks>
/// Unit rules A -&gt; B never become parser items: prediction through them is in R_L and completion through them in R_U,
/// which is what makes the parser exact on unit cycles and left recursion of any depth. The grammar must have no empty
/// right-hand side and must not use token 0, the sentence separator, as a terminal (a separator that is also a word
/// would make the sentence boundaries of a document hidden).
/// </remarks>
public sealed class PrefixGrammar
{
    private PrefixGrammar(CompiledGrammar compiled)
    {
        Compiled = compiled;
        var grammar = compiled.Source;
        var n = grammar.NonterminalCount;
        NonterminalCount = n;
        Start = grammar.Start;
        TerminalLimit = Math.Max(grammar.MaxTerminalId + 1, 1);

        // The rules kept: p' > 0. Unit rules only feed the closures.
        var leftCorner = Matrix<double>.Build.Dense(n, n);
        var unit = Matrix<double>.Build.Dense(n, n);
        var leftCornerEdge = new bool[n, n];
        var unitEdge = new bool[n, n];
        var lhs = new List<int>();
        var probability = new List<double>();
        var offset = new List<int>();
        var length = new List<int>();
        var symbols = new List<int>();
        for (var a = 0; a < n; a++)
        {
            var rules = grammar.RulesOf(a);
            var renormalised = compiled.RenormalisedProbabilities(a);
            for (var r = 0; r < rules.Count; r++)
            {
                var p = renormalised[r];
                if (!(p > 0))
                {
                    continue;
                }

                var rhs = rules[r].Rhs;
                if (rhs.Count == 0)
                {
                    throw new UserInputException(
                        $"rule {grammar.NonterminalName(a)} -> (empty) can be used: the loss floor needs a grammar without empty right-hand sides; rewrite it without them.");
                }

                foreach (var code in rhs)
                {
                    if (code == DocumentSampler.Separator)
                    {
                        throw new UserInputException(
                            $"a rule of {grammar.NonterminalName(a)} uses token 0, which is also the sentence separator: sentence boundaries would be hidden and the floor is not defined; renumber the terminals from 1.");
                    }
                }

                var first = rhs[0];
                if (SymbolCode.IsNonterminal(first))
                {
                    var b = SymbolCode.NonterminalIndex(first);
                    leftCorner[a, b] += p;
                    leftCornerEdge[a, b] = true;
                    if (rhs.Count == 1)
                    {
                        unit[a, b] += p;
                        unitEdge[a, b] = true;
                        continue;
                    }
                }

                lhs.Add(a);
                probability.Add(p);
                offset.Add(symbols.Count);
                length.Add(rhs.Count);
                symbols.AddRange(rhs);
            }
        }

        RuleLhs = [.. lhs];
        RuleProbability = [.. probability];
        RuleOffset = [.. offset];
        RuleLength = [.. length];
        Symbols = [.. symbols];
        LeftCornerClosure = Closure(leftCorner, leftCornerEdge, "left-corner");
        var leftCornerReach = Reach(leftCornerEdge);
        UnitClosure = Closure(unit, unitEdge, "unit");

        // Rules by first symbol: a terminal (the ones a scan of that token predicts) or a nonterminal (the ones a
        // completion of that nonterminal advances).
        (TerminalRuleStart, TerminalRules) = Index(TerminalLimit, r => Symbols[RuleOffset[r]] is var s && s >= 0 ? s : -1);
        (NonterminalRuleStart, NonterminalRules) = Index(n, r => Symbols[RuleOffset[r]] is var s && s < 0 ? SymbolCode.NonterminalIndex(s) : -1);

        // First terminals: a in First(A) when A derives a string that starts with a. They are the first terminals of
        // the rules of every B that R_L reaches from A (unit rules start with a nonterminal, so they add none).
        FirstWords = (TerminalLimit + 63) / 64;
        var direct = new ulong[n * FirstWords];
        for (var r = 0; r < RuleCount; r++)
        {
            var s = Symbols[RuleOffset[r]];
            if (s >= 0)
            {
                direct[(RuleLhs[r] * FirstWords) + (s >> 6)] |= 1UL << (s & 63);
            }
        }

        FirstBits = new ulong[n * FirstWords];
        for (var a = 0; a < n; a++)
        {
            for (var b = 0; b < n; b++)
            {
                if (leftCornerReach[a, b])
                {
                    for (var w = 0; w < FirstWords; w++)
                    {
                        FirstBits[(a * FirstWords) + w] |= direct[(b * FirstWords) + w];
                    }
                }
            }
        }

        // LC(a): the nonterminals with a among their first terminals, the only ones whose prediction matters before a.
        var lcCount = new int[TerminalLimit + 1];
        for (var a = 0; a < n; a++)
        {
            for (var t = 0; t < TerminalLimit; t++)
            {
                if (CanStart(SymbolCode.Nonterminal(a), t))
                {
                    lcCount[t + 1]++;
                }
            }
        }

        for (var t = 0; t < TerminalLimit; t++)
        {
            lcCount[t + 1] += lcCount[t];
        }

        LeftCornerStart = lcCount;
        LeftCorners = new int[lcCount[TerminalLimit]];
        var fill = (int[])lcCount.Clone();
        for (var a = 0; a < n; a++)
        {
            for (var t = 0; t < TerminalLimit; t++)
            {
                if (CanStart(SymbolCode.Nonterminal(a), t))
                {
                    LeftCorners[fill[t]++] = a;
                }
            }
        }

        // Unit ancestors: for each Y, the Z with R_U(Z, Y) > 0, and the factor.
        var ancestorCount = new int[n + 1];
        for (var y = 0; y < n; y++)
        {
            for (var z = 0; z < n; z++)
            {
                if (UnitClosure[(z * n) + y] > 0)
                {
                    ancestorCount[y + 1]++;
                }
            }
        }

        for (var y = 0; y < n; y++)
        {
            ancestorCount[y + 1] += ancestorCount[y];
        }

        UnitAncestorStart = ancestorCount;
        UnitAncestors = new int[ancestorCount[n]];
        UnitAncestorFactor = new double[ancestorCount[n]];
        for (var y = 0; y < n; y++)
        {
            var at = ancestorCount[y];
            for (var z = 0; z < n; z++)
            {
                var f = UnitClosure[(z * n) + y];
                if (f > 0)
                {
                    UnitAncestors[at] = z;
                    UnitAncestorFactor[at++] = f;
                }
            }
        }
    }

    /// <summary>The sampler's grammar the tables were built from.</summary>
    public CompiledGrammar Compiled { get; }

    /// <summary>Number of nonterminals (the source grammar's, unproductive ones included).</summary>
    public int NonterminalCount { get; }

    /// <summary>Index of the start symbol.</summary>
    public int Start { get; }

    /// <summary>One more than the largest terminal id: token ids at or above it never occur in a sentence.</summary>
    public int TerminalLimit { get; }

    /// <summary>Number of kept rules (p' &gt; 0, not unit rules).</summary>
    public int RuleCount => RuleLhs.Length;

    /// <summary>Left-hand side of each kept rule; the rules of one nonterminal are contiguous.</summary>
    internal int[] RuleLhs { get; }

    /// <summary>p' of each kept rule.</summary>
    internal double[] RuleProbability { get; }

    /// <summary>Where each kept rule's right-hand side starts in <see cref="Symbols"/>.</summary>
    internal int[] RuleOffset { get; }

    /// <summary>Right-hand-side length of each kept rule (at least 1; 1 only for a single terminal).</summary>
    internal int[] RuleLength { get; }

    /// <summary>Right-hand sides back to back, in <see cref="SymbolCode"/> form.</summary>
    internal int[] Symbols { get; }

    /// <summary>R_L, row-major n x n: R_L[Z, Y] sums the probabilities of all left-corner chains from Z down to Y.</summary>
    internal double[] LeftCornerClosure { get; }

    /// <summary>R_U, row-major n x n: R_U[Z, Y] sums the probabilities of all unit-rule chains from Z down to Y.</summary>
    internal double[] UnitClosure { get; }

    /// <summary>CSR offsets into <see cref="TerminalRules"/> by terminal id (length <see cref="TerminalLimit"/> + 1).</summary>
    internal int[] TerminalRuleStart { get; }

    /// <summary>The kept rules whose right-hand side starts with each terminal.</summary>
    internal int[] TerminalRules { get; }

    /// <summary>CSR offsets into <see cref="NonterminalRules"/> by nonterminal.</summary>
    internal int[] NonterminalRuleStart { get; }

    /// <summary>The kept (non-unit) rules whose right-hand side starts with each nonterminal.</summary>
    internal int[] NonterminalRules { get; }

    /// <summary>64-bit words per nonterminal in <see cref="FirstBits"/>.</summary>
    internal int FirstWords { get; }

    /// <summary>Bit a of row A: A derives some string that starts with terminal a.</summary>
    internal ulong[] FirstBits { get; }

    /// <summary>CSR offsets into <see cref="LeftCorners"/> by terminal id.</summary>
    internal int[] LeftCornerStart { get; }

    /// <summary>For each terminal a, the nonterminals that derive strings starting with a, ascending.</summary>
    internal int[] LeftCorners { get; }

    /// <summary>CSR offsets into <see cref="UnitAncestors"/> by nonterminal Y.</summary>
    internal int[] UnitAncestorStart { get; }

    /// <summary>For each Y, the nonterminals Z with R_U[Z, Y] &gt; 0 (Y itself included), ascending.</summary>
    internal int[] UnitAncestors { get; }

    /// <summary>R_U[Z, Y] for each entry of <see cref="UnitAncestors"/>.</summary>
    internal double[] UnitAncestorFactor { get; }

    /// <summary>
    /// Builds the tables for <paramref name="grammar"/> conditioned on finite derivations.
    /// </summary>
    /// <exception cref="UserInputException">The grammar has a usable empty right-hand side, uses token 0 as a
    /// terminal, or is critical after conditioning (the closures do not exist).</exception>
    public static PrefixGrammar Build(CompiledGrammar grammar)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        return new PrefixGrammar(grammar);
    }

    /// <summary>True when <paramref name="symbol"/> (a <see cref="SymbolCode"/>) derives a string starting with <paramref name="terminal"/>.</summary>
    internal bool CanStart(int symbol, int terminal)
    {
        if (symbol >= 0)
        {
            return symbol == terminal;
        }

        if ((uint)terminal >= (uint)TerminalLimit)
        {
            return false;
        }

        return (FirstBits[(SymbolCode.NonterminalIndex(symbol) * FirstWords) + (terminal >> 6)] & (1UL << (terminal & 63))) != 0;
    }

    private (int[] Start, int[] Items) Index(int keys, Func<int, int> keyOf)
    {
        var start = new int[keys + 1];
        for (var r = 0; r < RuleCount; r++)
        {
            if (keyOf(r) is var k && k >= 0)
            {
                start[k + 1]++;
            }
        }

        for (var k = 0; k < keys; k++)
        {
            start[k + 1] += start[k];
        }

        var items = new int[start[keys]];
        var fill = (int[])start.Clone();
        for (var r = 0; r < RuleCount; r++)
        {
            if (keyOf(r) is var k && k >= 0)
            {
                items[fill[k]++] = r;
            }
        }

        return (start, items);
    }

    // Reflexive transitive closure of the edges (Warshall): which chains exist, whatever their probability.
    private static bool[,] Reach(bool[,] edge)
    {
        var n = edge.GetLength(0);
        var reach = new bool[n, n];
        for (var a = 0; a < n; a++)
        {
            reach[a, a] = true;
            for (var b = 0; b < n; b++)
            {
                reach[a, b] |= edge[a, b];
            }
        }

        // Warshall's transitive closure.
        for (var k = 0; k < n; k++)
        {
            for (var a = 0; a < n; a++)
            {
                if (!reach[a, k])
                {
                    continue;
                }

                for (var b = 0; b < n; b++)
                {
                    reach[a, b] |= reach[k, b];
                }
            }
        }

        return reach;
    }

    // (I - P)^-1, with entries that no chain reaches set to exactly 0: the LU solve leaves rounding noise there, and the
    // parser's sparsity (which nonterminals a chain reaches) must be structural.
    private static double[] Closure(Matrix<double> p, bool[,] edge, string what)
    {
        var n = p.RowCount;
        var reach = Reach(edge);

        var inverse = (Matrix<double>.Build.DenseIdentity(n) - p).Inverse();
        var result = new double[n * n];
        for (var a = 0; a < n; a++)
        {
            for (var b = 0; b < n; b++)
            {
                if (!reach[a, b])
                {
                    continue;
                }

                // A chain's sum is at least 1 on the diagonal and positive elsewhere. An entry whose true value is
                // below the solve's rounding (about 1e-16) may come out as -1e-16: it is kept at 0, which changes no
                // probability by more than that. Anything clearly negative or infinite means I - P is (near) singular.
                var value = inverse[a, b];
                if (!double.IsFinite(value) || value < -1e-9 || (a == b && value < 1 - 1e-9))
                {
                    throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
                        $"the grammar's {what} chains do not sum to a finite probability (R[{a},{b}] = {value}): it is critical after conditioning on finite derivations, and the floor cannot be computed."));
                }

                result[(a * n) + b] = Math.Max(value, 0);
            }
        }

        return result;
    }
}
