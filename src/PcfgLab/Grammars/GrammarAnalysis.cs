namespace PcfgLab.Grammars;

/// <summary>
/// Static analysis of a PCFG: sizes, unreachable and unproductive nonterminals, the spectral radius of the mean
/// (first-moment) matrix and its verdict, termination probabilities q, and for the grammar conditioned on finite
/// derivations the expected sentence length, derivation size and derivation entropy from the start symbol.
/// </summary>
/// <remarks>
/// The expectations solve (I - M') x = b on the nonterminals the start symbol reaches in the conditioned grammar, with
/// b = terminals per rule (length), 1 (derivation size) or the rule-choice entropy -sum p' log2 p' (entropy).
/// Everything is sparse and goes by strongly connected components (see <see cref="SparseMatrix"/>): memory and time
/// grow with the grammar's size, never with the square of its nonterminals, so grammars of 10^5 nonterminals and
/// 10^6 rules are analysed in seconds.
/// </remarks>
public static class GrammarAnalysis
{
    /// <summary>|rho - 1| below this makes the original grammar critical.</summary>
    public const double CriticalTolerance = 1e-9;

    /// <summary>q_S within this of 1 makes the grammar consistent.</summary>
    public const double ConsistencyTolerance = 1e-9;

    /// <summary>
    /// The conditioned grammar counts as critical when its spectral radius is within this of 1. It is looser than
    /// <see cref="CriticalTolerance"/> because at criticality q itself is only accurate to about 1e-8 (the fixed
    /// point is a double root), and p' inherits that error.
    /// </summary>
    public const double ConditionedCriticalTolerance = 1e-6;

    /// <summary>Analyses <paramref name="grammar"/>.</summary>
    public static GrammarReport Analyze(Grammar grammar)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        var n = grammar.NonterminalCount;
        var q = TerminationProbabilities.Compute(grammar);

        var maxLength = 0;
        foreach (var p in grammar.AllRules())
        {
            maxLength = Math.Max(maxLength, p.Rhs.Count);
        }

        var reachable = Reachable(grammar, grammar.Start, rule => rule.Probability > 0);
        var unreachable = new List<string>();
        var unproductive = new List<string>();
        var termination = new NonterminalTermination[n];
        for (var a = 0; a < n; a++)
        {
            termination[a] = new NonterminalTermination(grammar.NonterminalName(a), q[a]);
            if (!reachable[a])
            {
                unreachable.Add(grammar.NonterminalName(a));
            }

            if (q[a] == 0)
            {
                unproductive.Add(grammar.NonterminalName(a));
            }
        }

        var all = new int[n];
        for (var a = 0; a < n; a++)
        {
            all[a] = a;
        }

        var rho = MeanMatrix(grammar, all, p => p.Probability).SpectralRadius();
        var criticality = Math.Abs(rho - 1) < CriticalTolerance ? Criticality.Critical
            : rho < 1 ? Criticality.Subcritical
            : Criticality.Supercritical;
        var qStart = q[grammar.Start];
        var conditioned = AnalyzeConditioned(grammar, q);

        return new GrammarReport
        {
            StartSymbol = grammar.NonterminalName(grammar.Start),
            Origin = grammar.Origin,
            NonterminalCount = n,
            TerminalCount = grammar.TerminalIds().Length,
            RuleCount = grammar.RuleCount,
            MaxRhsLength = maxLength,
            UnreachableNonterminals = unreachable,
            UnproductiveNonterminals = unproductive,
            SpectralRadius = rho,
            Criticality = criticality,
            StartTerminationProbability = qStart,
            IsConsistent = Math.Abs(qStart - 1) <= ConsistencyTolerance,
            TerminationProbabilities = termination,
            ConditionedSpectralRadius = conditioned.Rho,
            ConditionedIsCritical = conditioned.Critical,
            ExpectedSentenceLength = conditioned.Length,
            ExpectedDerivationSize = conditioned.Size,
            DerivationEntropyBits = conditioned.Entropy,
            EntropyPerTokenBits = conditioned.Critical || !(conditioned.Length > 0) ? double.NaN : conditioned.Entropy / conditioned.Length,
        };
    }

    /// <summary>p'(A -&gt; a) = p(A -&gt; a) * prod over nonterminals B in a of q_B / q_A; 0 when q_A = 0.</summary>
    internal static double ConditionedProbability(Production rule, double[] q)
    {
        var qa = q[rule.Lhs];
        if (qa == 0)
        {
            return 0;
        }

        var value = rule.Probability;
        foreach (var code in rule.Rhs)
        {
            if (SymbolCode.IsNonterminal(code))
            {
                value *= q[SymbolCode.NonterminalIndex(code)];
            }
        }

        return value / qa;
    }

    private static (double Rho, bool Critical, double Length, double Size, double Entropy) AnalyzeConditioned(Grammar grammar, double[] q)
    {
        if (q[grammar.Start] == 0)
        {
            return (double.NaN, false, double.NaN, double.NaN, double.NaN);
        }

        var reachable = Reachable(grammar, grammar.Start, rule => ConditionedProbability(rule, q) > 0);
        var members = new List<int>();
        for (var a = 0; a < grammar.NonterminalCount; a++)
        {
            if (reachable[a])
            {
                members.Add(a);
            }
        }

        var set = members.ToArray();
        var m = MeanMatrix(grammar, set, p => ConditionedProbability(p, q));
        var rho = m.SpectralRadius();
        if (rho >= 1 - ConditionedCriticalTolerance)
        {
            return (rho, true, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity);
        }

        var k = set.Length;
        var terminals = new double[k];
        var ones = new double[k];
        Array.Fill(ones, 1.0);
        var choiceEntropy = new double[k];
        for (var i = 0; i < k; i++)
        {
            foreach (var rule in grammar.RulesOf(set[i]))
            {
                var p = ConditionedProbability(rule, q);
                if (p <= 0)
                {
                    continue;
                }

                var count = 0;
                foreach (var code in rule.Rhs)
                {
                    count += SymbolCode.IsNonterminal(code) ? 0 : 1;
                }

                terminals[i] += p * count;
                choiceEntropy[i] -= p * Math.Log2(p);
            }
        }

        var solutions = m.SolveIdentityMinus([terminals, ones, choiceEntropy]);
        var startRow = Array.IndexOf(set, grammar.Start);
        return (rho, false, solutions[0][startRow], solutions[1][startRow], solutions[2][startRow]);
    }

    // M[i, j] = sum over rules of set[i] of weight(rule) * (occurrences of set[j] in the rule); others ignored.
    private static SparseMatrix MeanMatrix(Grammar grammar, int[] set, Func<Production, double> weight)
    {
        var position = new int[grammar.NonterminalCount];
        Array.Fill(position, -1);
        for (var i = 0; i < set.Length; i++)
        {
            position[set[i]] = i;
        }

        return new SparseMatrix(set.Length, i => MeanRow(grammar, set[i], position, weight));
    }

    private static IEnumerable<(int, double)> MeanRow(Grammar grammar, int a, int[] position, Func<Production, double> weight)
    {
        foreach (var rule in grammar.RulesOf(a))
        {
            var w = weight(rule);
            if (w == 0)
            {
                continue;
            }

            foreach (var code in rule.Rhs)
            {
                if (SymbolCode.IsNonterminal(code) && position[SymbolCode.NonterminalIndex(code)] is var j and >= 0)
                {
                    yield return (j, w);
                }
            }
        }
    }

    private static bool[] Reachable(Grammar grammar, int start, Func<Production, bool> usable)
    {
        var seen = new bool[grammar.NonterminalCount];
        var pending = new Stack<int>();
        seen[start] = true;
        pending.Push(start);
        while (pending.Count > 0)
        {
            foreach (var rule in grammar.RulesOf(pending.Pop()))
            {
                if (!usable(rule))
                {
                    continue;
                }

                foreach (var code in rule.Rhs)
                {
                    if (SymbolCode.IsNonterminal(code) && !seen[SymbolCode.NonterminalIndex(code)])
                    {
                        seen[SymbolCode.NonterminalIndex(code)] = true;
                        pending.Push(SymbolCode.NonterminalIndex(code));
                    }
                }
            }
        }

        return seen;
    }
}
