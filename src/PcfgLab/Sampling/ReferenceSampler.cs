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
public sealed class ReferenceSampler
{
    /// <summary>Nested nonterminal levels, S included, that Python's recursion limit allows the reference.</summary>
    public const int MaxDepth = 992;

    /// <summary>The reference's <c>num_toks_per_seq</c>.</summary>
    public const int TokensPerDocument = 256;

    private readonly PythonRandom _random;
    private readonly double[][] _cumulative;
    private readonly int[][][] _rhs;
    private int[] _codeStack = new int[256];
    private int[] _depthStack = new int[256];
    private int[] _sentence = new int[256];
    private readonly int[] _document = new int[TokensPerDocument];

    /// <summary>Seeds Python's generator with <paramref name="seed"/> and builds the reference's grammar with it.</summary>
    public ReferenceSampler(GrammarSpec spec, long seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        _random = new PythonRandom(seed);
        Grammar = RandomGrammarBuilder.Build(spec, _random, seed, firstTerminalId: 0);
        var n = Grammar.NonterminalCount;
        _cumulative = new double[n][];
        _rhs = new int[n][][];
        for (var a = 0; a < n; a++)
        {
            var rules = Grammar.RulesOf(a);
            _cumulative[a] = new double[rules.Count];
            _rhs[a] = new int[rules.Count][];
            var sum = 0.0;
            for (var r = 0; r < rules.Count; r++)
            {
                // itertools.accumulate: running left-to-right double sum.
                sum += rules[r].Probability;
                _cumulative[a][r] = sum;
                _rhs[a][r] = [.. rules[r].Rhs];
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
    internal int NextSentence()
    {
        var length = 0;
        var top = 0;
        var root = _rhs[Grammar.Start][_random.ChooseCumulative(_cumulative[Grammar.Start])];

        // S -> N_root is depth 1; the root nonterminal sits at depth 2.
        Push(ref top, root[0], 2);
        while (top > 0)
        {
            top--;
            var code = _codeStack[top];
            if (code >= 0)
            {
                if (length == _sentence.Length)
                {
                    Array.Resize(ref _sentence, length * 2);
                }

                _sentence[length++] = code;
                continue;
            }

            var depth = _depthStack[top];
            if (depth > MaxDepth)
            {
                RejectedSentences++;
                return -1;
            }

            var a = ~code;
            var rhs = _rhs[a][_random.ChooseCumulative(_cumulative[a])];
            for (var k = rhs.Length - 1; k >= 0; k--)
            {
                Push(ref top, rhs[k], depth + 1);
            }
        }

        return length;
    }

    private void Push(ref int top, int code, int depth)
    {
        if (top == _codeStack.Length)
        {
            Array.Resize(ref _codeStack, top * 2);
            Array.Resize(ref _depthStack, top * 2);
        }

        _codeStack[top] = code;
        _depthStack[top] = depth;
        top++;
    }
}
