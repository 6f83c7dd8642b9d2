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

        (Stream, RuleStreamPosition) = BuildStream(Symbols, RuleSymbolOffset, RuleLength);
        TerminalRunLength = new int[Stream.Length];
        for (var k = Stream.Length - 1; k >= 0; k--)
        {
            TerminalRunLength[k] = Stream[k] >= 0 && k < Stream.Length - StreamPadding ? 1 + TerminalRunLength[k + 1] : 0;
        }

        BuildStartItems(out var startWeights);
        AliasEntries = new AliasEntry[ruleCount + startWeights.Length];
        AliasItems = new int[ruleCount + startWeights.Length];
        Tables = new NonterminalTable[n];
        for (var a = 0; a < n; a++)
        {
            Tables[a] = new NonterminalTable(NonterminalRuleBase[a], NonterminalRuleCount[a]);
        }

        for (var r = 0; r < ruleCount; r++)
        {
            var target = AliasTargets[r];
            AliasEntries[r] = new AliasEntry(AliasThresholds[r], RuleStreamPosition[r], RuleStreamPosition[target]);
            AliasItems[r] = target;
        }

        // The flattened start table sits after the rule tables; its items are indices into the StartItem arrays.
        var startThresholds = new ulong[startWeights.Length];
        var startTargets = new int[startWeights.Length];
        AliasTable.Build(startWeights, startThresholds, startTargets, 0);
        StartTable = new NonterminalTable(ruleCount, startWeights.Length);
        for (var i = 0; i < startWeights.Length; i++)
        {
            AliasEntries[ruleCount + i] = new AliasEntry(startThresholds[i], StartItemPosition[i], StartItemPosition[startTargets[i]]);
            AliasItems[ruleCount + i] = startTargets[i];
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

    /// <summary>log2 p' of each compiled rule.</summary>
    internal double[] RuleLog2Probability { get; }

    /// <summary>Position of each compiled rule among its nonterminal's rules in <see cref="Source"/>.</summary>
    internal int[] RuleSourceIndex { get; }

    /// <summary>All right-hand sides in <see cref="SymbolCode"/> form, back to back, left to right.</summary>
    internal int[] Symbols { get; }

    /// <summary>End of a rule body in <see cref="Stream"/>.</summary>
    internal const int EndOfRule = -1;

    /// <summary>
    /// Rule bodies for the sampler, each followed by <see cref="EndOfRule"/>: a terminal is its token id (&gt;= 0); a
    /// nonterminal with index a is -2 - (2a + tail), where tail = 1 when it is the body's last symbol (nothing to
    /// come back to, so the sampler pushes no continuation).
    /// </summary>
    internal int[] Stream { get; }

    /// <summary>Zeros after the last body, so that a block copy of up to this many symbols never reads past the end.</summary>
    internal const int StreamPadding = 8;

    /// <summary>
    /// For each position of <see cref="Stream"/> holding a terminal, how many terminals follow in a row from there
    /// (itself included); 0 elsewhere. Lets the sampler copy a run of terminals at once.
    /// </summary>
    internal int[] TerminalRunLength { get; }

    /// <summary>Position of each compiled rule's body in <see cref="Stream"/>.</summary>
    internal int[] RuleStreamPosition { get; }

    /// <summary>Each nonterminal's alias table in <see cref="AliasEntries"/>; its entries line up with its compiled rules.</summary>
    internal NonterminalTable[] Tables { get; }

    /// <summary>
    /// The start symbol's table with unit rules S -&gt; B flattened one level: an item is either a rule of S or a pair
    /// (S -&gt; B, B -&gt; b) with probability p'(S -&gt; B) p'(B -&gt; b), which saves one draw per sentence.
    /// </summary>
    internal NonterminalTable StartTable { get; }

    /// <summary>All alias tables, rules' first, then the start table, with the stream positions of both outcomes.</summary>
    internal AliasEntry[] AliasEntries { get; }

    /// <summary>The alias outcome of each entry as an item: a compiled rule, or a start item in the start table.</summary>
    internal int[] AliasItems { get; }

    /// <summary>Body position of each start item.</summary>
    internal int[] StartItemPosition { get; private set; } = [];

    /// <summary>Expansions each start item stands for (1 or 2).</summary>
    internal int[] StartItemExpansions { get; private set; } = [];

    /// <summary>log2 probability of each start item.</summary>
    internal double[] StartItemLog2Probability { get; private set; } = [];

    private static (int[] Stream, int[] Positions) BuildStream(int[] symbols, int[] offsets, int[] lengths)
    {
        var stream = new int[symbols.Length + offsets.Length + StreamPadding];
        var positions = new int[offsets.Length];
        var at = 0;
        for (var r = 0; r < offsets.Length; r++)
        {
            positions[r] = at;
            for (var k = 0; k < lengths[r]; k++)
            {
                var code = symbols[offsets[r] + k];
                if (SymbolCode.IsNonterminal(code))
                {
                    var tail = k == lengths[r] - 1 ? 1 : 0;
                    code = -2 - ((2 * SymbolCode.NonterminalIndex(code)) + tail);
                }

                stream[at++] = code;
            }

            stream[at++] = EndOfRule;
        }

        return (stream, positions);
    }

    private void BuildStartItems(out double[] weights)
    {
        var start = Source.Start;
        var position = new List<int>();
        var expansions = new List<int>();
        var log2 = new List<double>();
        var weight = new List<double>();
        for (var r = NonterminalRuleBase[start]; r < NonterminalRuleBase[start] + NonterminalRuleCount[start]; r++)
        {
            var p = _renormalised[start][RuleSourceIndex[r]];
            if (RuleLength[r] == 1 && Symbols[RuleSymbolOffset[r]] is var code && SymbolCode.IsNonterminal(code))
            {
                var b = SymbolCode.NonterminalIndex(code);
                for (var r2 = NonterminalRuleBase[b]; r2 < NonterminalRuleBase[b] + NonterminalRuleCount[b]; r2++)
                {
                    position.Add(RuleStreamPosition[r2]);
                    expansions.Add(2);
                    log2.Add(RuleLog2Probability[r] + RuleLog2Probability[r2]);
                    weight.Add(p * _renormalised[b][RuleSourceIndex[r2]]);
                }
            }
            else
            {
                position.Add(RuleStreamPosition[r]);
                expansions.Add(1);
                log2.Add(RuleLog2Probability[r]);
                weight.Add(p);
            }
        }

        StartItemPosition = [.. position];
        StartItemExpansions = [.. expansions];
        StartItemLog2Probability = [.. log2];
        weights = [.. weight];
    }

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

/// <summary>Where a nonterminal's alias table starts in <see cref="CompiledGrammar.AliasEntries"/> and how many columns it has.</summary>
internal readonly record struct NonterminalTable(int First, int Count);

/// <summary>One alias-table column: keep threshold (probability times 2^64) and the body positions of both outcomes.</summary>
internal readonly record struct AliasEntry(ulong Threshold, int KeepPosition, int AliasPosition);
