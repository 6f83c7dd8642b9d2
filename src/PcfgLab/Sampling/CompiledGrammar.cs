using System.Globalization;
using PcfgLab.Grammars;

namespace PcfgLab.Sampling;

/// <summary>
/// A grammar conditioned on finite derivations and compiled to flat arrays for sampling.
/// With q_A the probability that A derives a finite tree (<see cref="TerminationProbabilities"/>), the rule
/// probabilities become p'(A -&gt; a) = p(A -&gt; a) * prod over nonterminals B in a of q_B / q_A: the exact
/// distribution of the reference sampler, which retries infinite (too deep) derivations. The renormalised grammar is
/// subcritical, so sampling always terminates. Rules with p' = 0 (they name a nonterminal with q = 0) are left out;
/// nonterminals with q = 0 cannot be reached from the start symbol any more.
/// </summary>
public sealed class CompiledGrammar
{
    private readonly double[] _termination;
    private readonly double[][] _renormalised;

    private CompiledGrammar(Grammar source, double[] termination, double[][] renormalised)
    {
        Source = source;
        _termination = termination;
        _renormalised = renormalised;
        var n = source.NonterminalCount;

        NonterminalRuleBase = new int[n];
        NonterminalRuleCount = new int[n];
        var ruleCount = 0;
        var symbolCount = 0;
        for (var a = 0; a < n; a++)
        {
            var rules = source.RulesOf(a);
            for (var r = 0; r < rules.Count; r++)
            {
                if (renormalised[a][r] > 0)
                {
                    ruleCount++;
                    symbolCount += rules[r].Rhs.Count;
                }
            }
        }

        AliasThresholds = new ulong[ruleCount];
        AliasTargets = new int[ruleCount];
        RuleSymbolOffset = new int[ruleCount];
        RuleLength = new int[ruleCount];
        RuleLeadingTerminals = new int[ruleCount];
        RuleLog2Probability = new double[ruleCount];
        RuleSourceIndex = new int[ruleCount];
        Symbols = new int[symbolCount];

        var rule = 0;
        var symbol = 0;
        var weights = new List<double>();
        for (var a = 0; a < n; a++)
        {
            NonterminalRuleBase[a] = rule;
            weights.Clear();
            var rules = source.RulesOf(a);
            for (var r = 0; r < rules.Count; r++)
            {
                var p = renormalised[a][r];
                if (!(p > 0))
                {
                    continue;
                }

                var rhs = rules[r].Rhs;
                RuleSymbolOffset[rule] = symbol;
                RuleLength[rule] = rhs.Count;
                var leading = 0;
                while (leading < rhs.Count && !SymbolCode.IsNonterminal(rhs[leading]))
                {
                    leading++;
                }

                RuleLeadingTerminals[rule] = leading;
                for (var s = 0; s < rhs.Count; s++)
                {
                    Symbols[symbol++] = rhs[s];
                }

                MaxRuleLength = Math.Max(MaxRuleLength, rhs.Count);
                RuleLog2Probability[rule] = Math.Log2(p);
                RuleSourceIndex[rule] = r;
                weights.Add(p);
                rule++;
            }

            NonterminalRuleCount[a] = rule - NonterminalRuleBase[a];
            if (weights.Count > 0)
            {
                var range = new Range(NonterminalRuleBase[a], rule);
                AliasTable.Build(
                    System.Runtime.InteropServices.CollectionsMarshal.AsSpan(weights),
                    AliasThresholds.AsSpan(range),
                    AliasTargets.AsSpan(range),
                    NonterminalRuleBase[a]);
            }
        }
    }

    /// <summary>The grammar this was compiled from.</summary>
    public Grammar Source { get; }

    /// <summary>Index of the start symbol.</summary>
    public int Start => Source.Start;

    /// <summary>q_S: the probability that the original grammar derives a finite sentence from the start symbol.</summary>
    public double StartTerminationProbability => _termination[Source.Start];

    /// <summary>q_A for every nonterminal A, by index.</summary>
    public IReadOnlyList<double> TerminationProbabilities => _termination;

    /// <summary>Longest right-hand side among the kept rules.</summary>
    public int MaxRuleLength { get; }

    /// <summary>First compiled rule of each nonterminal (rules of one nonterminal are contiguous).</summary>
    internal int[] NonterminalRuleBase { get; }

    /// <summary>Number of compiled rules (p' &gt; 0) of each nonterminal; 0 when q_A = 0.</summary>
    internal int[] NonterminalRuleCount { get; }

    /// <summary>Alias keep thresholds of all nonterminals' tables, indexed by compiled rule.</summary>
    internal ulong[] AliasThresholds { get; }

    /// <summary>Alias targets as compiled rule indices.</summary>
    internal int[] AliasTargets { get; }

    /// <summary>Offset of each compiled rule's right-hand side in <see cref="Symbols"/>.</summary>
    internal int[] RuleSymbolOffset { get; }

    /// <summary>Right-hand-side length of each compiled rule.</summary>
    internal int[] RuleLength { get; }

    /// <summary>Number of terminals before the first nonterminal of each compiled rule's right-hand side.</summary>
    internal int[] RuleLeadingTerminals { get; }

    /// <summary>log2 p' of each compiled rule.</summary>
    internal double[] RuleLog2Probability { get; }

    /// <summary>Position of each compiled rule among its nonterminal's rules in <see cref="Source"/>.</summary>
    internal int[] RuleSourceIndex { get; }

    /// <summary>All right-hand sides in <see cref="SymbolCode"/> form, back to back, left to right.</summary>
    internal int[] Symbols { get; }

    /// <summary>
    /// Compiles <paramref name="grammar"/> renormalised on finite derivations.
    /// </summary>
    /// <exception cref="UserInputException">The start symbol cannot derive any finite sentence (q_S = 0).</exception>
    public static CompiledGrammar Renormalised(Grammar grammar)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        var q = Grammars.TerminationProbabilities.Compute(grammar);
        if (!(q[grammar.Start] > 0))
        {
            var origin = grammar.Origin is { } o
                ? string.Create(CultureInfo.InvariantCulture, $"grammar {o.Spec} seed {o.Seed}")
                : "this grammar";
            throw new UserInputException(
                $"the start symbol cannot derive a finite sentence (q_S = 0): every derivation of {origin} loops forever; choose another seed or grammar.");
        }

        var n = grammar.NonterminalCount;
        var renormalised = new double[n][];
        for (var a = 0; a < n; a++)
        {
            var rules = grammar.RulesOf(a);
            renormalised[a] = new double[rules.Count];
            if (!(q[a] > 0))
            {
                continue;
            }

            for (var r = 0; r < rules.Count; r++)
            {
                var p = rules[r].Probability;
                foreach (var code in rules[r].Rhs)
                {
                    if (SymbolCode.IsNonterminal(code))
                    {
                        p *= q[SymbolCode.NonterminalIndex(code)];
                    }
                }

                renormalised[a][r] = p / q[a];
            }
        }

        return new CompiledGrammar(grammar, q, renormalised);
    }

    /// <summary>
    /// p'(rule) for each rule of nonterminal <paramref name="nonterminal"/>, in the source grammar's order
    /// (all zero when q_A = 0). The alias table samples exactly these up to normalisation.
    /// </summary>
    public IReadOnlyList<double> RenormalisedProbabilities(int nonterminal) => _renormalised[nonterminal];
}
