namespace PcfgLab.Grammars;

/// <summary>
/// An immutable probabilistic context-free grammar. Nonterminals are numbered 0..n-1 and named;
/// terminals are token ids (see <see cref="SymbolCode"/>). Rules of each nonterminal keep their
/// order, which matters for reproducing the reference sampler's random stream.
/// </summary>
public sealed class Grammar
{
    private readonly string[] _nonterminalNames;
    private readonly Production[][] _rules;
    private readonly string[]? _vocabulary;

    /// <summary>Creates a grammar and checks its shape.</summary>
    /// <param name="nonterminalNames">Name of each nonterminal, by index.</param>
    /// <param name="start">Index of the start symbol.</param>
    /// <param name="rules">Rules of each nonterminal, by index, in order.</param>
    /// <param name="vocabulary">Terminal text by token id, or null when terminals are their own decimal ids.</param>
    /// <param name="origin">How the grammar was made (spec and seed), when known.</param>
    public Grammar(
        IReadOnlyList<string> nonterminalNames,
        int start,
        IReadOnlyList<IReadOnlyList<Production>> rules,
        IReadOnlyList<string>? vocabulary = null,
        GrammarOrigin? origin = null)
    {
        ArgumentNullException.ThrowIfNull(nonterminalNames);
        ArgumentNullException.ThrowIfNull(rules);
        if (nonterminalNames.Count == 0)
        {
            throw new ArgumentException("A grammar needs at least one nonterminal.", nameof(nonterminalNames));
        }

        if (rules.Count != nonterminalNames.Count)
        {
            throw new ArgumentException("There must be one rule list per nonterminal.", nameof(rules));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(start, nonterminalNames.Count);

        _nonterminalNames = [.. nonterminalNames];
        _rules = new Production[rules.Count][];
        var maxTerminal = -1;
        for (var a = 0; a < rules.Count; a++)
        {
            _rules[a] = [.. rules[a]];
            foreach (var p in _rules[a])
            {
                if (p.Lhs != a)
                {
                    throw new ArgumentException($"Rule of {_nonterminalNames[a]} has left-hand side index {p.Lhs}.", nameof(rules));
                }

                foreach (var code in p.Rhs)
                {
                    if (SymbolCode.IsNonterminal(code))
                    {
                        if (SymbolCode.NonterminalIndex(code) >= _nonterminalNames.Length)
                        {
                            throw new ArgumentException($"Rule of {_nonterminalNames[a]} names nonterminal index {SymbolCode.NonterminalIndex(code)}, which does not exist.", nameof(rules));
                        }
                    }
                    else if (code > maxTerminal)
                    {
                        maxTerminal = code;
                    }
                }
            }
        }

        Start = start;
        MaxTerminalId = maxTerminal;
        _vocabulary = vocabulary is null ? null : [.. vocabulary];
        if (_vocabulary is not null && maxTerminal >= _vocabulary.Length)
        {
            throw new ArgumentException("The vocabulary does not cover every terminal id.", nameof(vocabulary));
        }

        Origin = origin;
    }

    /// <summary>Number of nonterminals, the start symbol included.</summary>
    public int NonterminalCount => _nonterminalNames.Length;

    /// <summary>Index of the start symbol.</summary>
    public int Start { get; }

    /// <summary>Largest terminal token id used in any rule, or -1 when there is none.</summary>
    public int MaxTerminalId { get; }

    /// <summary>Spec and seed that made the grammar, when known.</summary>
    public GrammarOrigin? Origin { get; }

    /// <summary>Terminal text by token id, or null when each terminal is its decimal id.</summary>
    public IReadOnlyList<string>? Vocabulary => _vocabulary;

    /// <summary>Name of nonterminal <paramref name="index"/>.</summary>
    public string NonterminalName(int index) => _nonterminalNames[index];

    /// <summary>Rules of nonterminal <paramref name="index"/>, in order.</summary>
    public IReadOnlyList<Production> RulesOf(int index) => _rules[index];

    /// <summary>All rules, grouped by left-hand side in index order.</summary>
    public IEnumerable<Production> AllRules()
    {
        foreach (var list in _rules)
        {
            foreach (var p in list)
            {
                yield return p;
            }
        }
    }

    /// <summary>Total number of rules.</summary>
    public int RuleCount
    {
        get
        {
            var n = 0;
            foreach (var list in _rules)
            {
                n += list.Length;
            }

            return n;
        }
    }

    /// <summary>Text of terminal <paramref name="tokenId"/>.</summary>
    public string TerminalText(int tokenId) =>
        _vocabulary is null ? tokenId.ToString(System.Globalization.CultureInfo.InvariantCulture) : _vocabulary[tokenId];

    /// <summary>Distinct terminal ids that occur in rules, ascending.</summary>
    public int[] TerminalIds()
    {
        var seen = new SortedSet<int>();
        foreach (var list in _rules)
        {
            foreach (var p in list)
            {
                foreach (var code in p.Rhs)
                {
                    if (!SymbolCode.IsNonterminal(code))
                    {
                        seen.Add(code);
                    }
                }
            }
        }

        return [.. seen];
    }
}

/// <summary>How a grammar was made: the random spec, the seed and the first terminal id, when known.</summary>
/// <param name="Spec">The random-grammar spec.</param>
/// <param name="Seed">The seed given to the builder.</param>
/// <param name="FirstTerminalId">Token id of terminal 0 (1 by default, 0 in the reference).</param>
public sealed record GrammarOrigin(GrammarSpec Spec, long Seed, int FirstTerminalId);
