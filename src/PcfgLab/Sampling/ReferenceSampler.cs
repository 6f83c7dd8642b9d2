using PcfgLab.Grammars;

namespace PcfgLab.Sampling;

/// <summary>
/// The <c>--compat reference</c> profile: reproduces, bit for bit, the datasets the study's reference code
/// (<c>data_gen.generate_dataset</c> on <c>pcfg</c>/NLTK) makes after <c>random.seed(seed)</c>. One Python generator
/// builds the grammar (terminal ids 0..T-1, so terminal 0 collides with the separator, as in the reference) and then
/// samples it: one <c>random()</c> per expansion over cumulative sums of the rule probabilities, pre-order, a sentence
/// thrown away (after its random numbers were drawn) once its nesting passes <see cref="MaxDepth"/>, and the
/// reference's packing into documents of 255 or 256 tokens. Single-threaded and stateful: documents come in order.
/// Slow on supercritical grammars and endless when no finite derivation exists, exactly like the reference.
/// </summary>
internal sealed class ReferenceSampler
{
    /// <summary>Nested nonterminal levels, S included, that Python's recursion limit allows the reference.</summary>
    public const int MaxDepth = 992;

    /// <summary>The reference's <c>num_toks_per_seq</c>.</summary>
    public const int TokensPerDocument = 256;

    private const int EndOfRule = -1;

    private readonly PythonRandom _random;

    // Cumulative rule probabilities of all nonterminals back to back; nonterminal a owns [_ruleFirst[a], _ruleFirst[a + 1]).
    private readonly double[] _cumulative;
    private readonly int[] _ruleFirst;

    // Rule bodies back to back, each ended by EndOfRule; a nonterminal a is -2 - (2a + tail), tail = 1 when it ends the body.
    private readonly int[] _stream;
    private readonly int[] _rulePosition;
    private int[] _positionStack = new int[256];
    private int[] _depthStack = new int[256];
    private int[] _sentence = new int[256];
    private readonly int[] _document = new int[TokensPerDocument];

    /// <summary>Seeds Python's generator with <paramref name="seed"/> and builds the reference's grammar with it.</summary>
    public ReferenceSampler(GrammarSpec spec, Seed seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        _random = new PythonRandom(seed.Value);
        Grammar = RandomGrammarBuilder.Build(spec, _random, seed.Value, firstTerminalId: 0);
        var n = Grammar.NonterminalCount;
        _ruleFirst = new int[n + 1];
        var symbols = 0;
        for (var a = 0; a < n; a++)
        {
            var rules = Grammar.RulesOf(a);
            _ruleFirst[a + 1] = _ruleFirst[a] + rules.Count;
            foreach (var rule in rules)
            {
                symbols += rule.Rhs.Count + 1;
            }
        }

        _cumulative = new double[_ruleFirst[n]];
        _rulePosition = new int[_ruleFirst[n]];
        _stream = new int[symbols];
        var at = 0;
        for (var a = 0; a < n; a++)
        {
            var rules = Grammar.RulesOf(a);
            var sum = 0.0;
            for (var r = 0; r < rules.Count; r++)
            {
                // itertools.accumulate: running left-to-right double sum.
                sum += rules[r].Probability;
                _cumulative[_ruleFirst[a] + r] = sum;
                _rulePosition[_ruleFirst[a] + r] = at;
                var rhs = rules[r].Rhs;
                for (var k = 0; k < rhs.Count; k++)
                {
                    var code = rhs[k];
                    _stream[at++] = SymbolCode.IsNonterminal(code)
                        ? -2 - ((2 * SymbolCode.NonterminalIndex(code)) + (k == rhs.Count - 1 ? 1 : 0))
                        : code;
                }

                _stream[at++] = EndOfRule;
            }
        }
    }

    /// <summary>The reference's grammar for the spec and seed (terminal ids 0..T-1).</summary>
    public Grammar Grammar { get; }

    /// <summary>Sentences thrown away so far because their derivation nested deeper than <see cref="MaxDepth"/>.</summary>
    public long RejectedSentences { get; private set; }

    /// <summary>
    /// The next documents until the reference's token count reaches <paramref name="totalTokens"/>: it charges each
    /// document 256 (the count <c>sentence.count(" ") + 2</c> charges a separator to the first sentence too), so a
    /// document whose last sentence fits exactly holds 255 tokens. Each array is a new one.
    /// </summary>
    public IEnumerable<int[]> Documents(long totalTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(totalTokens);
        return Enumerate(totalTokens);
    }

    private IEnumerable<int[]> Enumerate(long totalTokens)
    {
        long charged = 0;
        while (charged < totalTokens)
        {
            var length = NextDocument(out var documentCharge);
            charged += documentCharge;
            yield return _document.AsSpan(0, length).ToArray();
        }
    }

    /// <summary>Packs the next document into the internal buffer; returns its length and what the reference charges.</summary>
    private int NextDocument(out int charge)
    {
        var length = 0;
        var charged = 0;
        var sentences = 0;
        while (charged < TokensPerDocument)
        {
            var sentenceLength = NextSentence();
            if (sentenceLength < 0)
            {
                continue;
            }

            var cost = sentenceLength + 1;
            var available = TokensPerDocument - charged;
            var kept = cost <= available ? sentenceLength : available;
            charged += cost <= available ? cost : kept;
            if (sentences++ > 0)
            {
                _document[length++] = 0;
            }

            Array.Copy(_sentence, 0, _document, length, kept);
            length += kept;
        }

        charge = charged;
        return length;
    }

    /// <summary>Samples one sentence into the sentence buffer; returns its length, or -1 when it nested too deep.</summary>
    /// <remarks>
    /// Reads rule bodies left to right and keeps a stack of (where to resume, depth) per open body: the same pre-order
    /// as the reference's stack of symbols, so the random numbers are drawn in the same order. A nonterminal that ends
    /// its body pushes nothing; the depth still grows by one per level. S is depth 1, its child depth 2, and a
    /// nonterminal deeper than <see cref="MaxDepth"/> ends the sentence before its rule is drawn, like the reference.
    /// </remarks>
    internal int NextSentence()
    {
        var length = 0;
        var top = 0;
        var depth = 1;
        var position = _rulePosition[Choose(Grammar.Start)];
        while (true)
        {
            var code = _stream[position++];
            if (code >= 0)
            {
                if (length == _sentence.Length)
                {
                    Array.Resize(ref _sentence, length * 2);
                }

                _sentence[length++] = code;
                continue;
            }

            if (code == EndOfRule)
            {
                if (top == 0)
                {
                    return length;
                }

                top--;
                position = _positionStack[top];
                depth = _depthStack[top];
                continue;
            }

            if (depth + 1 > MaxDepth)
            {
                RejectedSentences++;
                return -1;
            }

            var nonterminal = -2 - code;
            if ((nonterminal & 1) == 0)
            {
                if (top == _positionStack.Length)
                {
                    Array.Resize(ref _positionStack, top * 2);
                    Array.Resize(ref _depthStack, top * 2);
                }

                _positionStack[top] = position;
                _depthStack[top] = depth;
                top++;
            }

            depth++;
            position = _rulePosition[Choose(nonterminal >> 1)];
        }
    }

    /// <summary>The reference's rule choice for nonterminal <paramref name="nonterminal"/>: a flat rule index.</summary>
    private int Choose(int nonterminal)
    {
        var first = _ruleFirst[nonterminal];
        return first + _random.ChooseCumulative(_cumulative.AsSpan(first, _ruleFirst[nonterminal + 1] - first));
    }
}
