using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PcfgLab.Sampling;

/// <summary>
/// Samples sentences of a <see cref="CompiledGrammar"/> by iterative pre-order, left-to-right derivation on an
/// explicit stack: no recursion, one reusable stack that grows when needed, no allocation per token or expansion.
/// Each expansion of a nonterminal with several rules takes one 64-bit number from the generator (none when it has
/// a single rule). Not thread-safe: use one per thread.
/// </summary>
public sealed class SentenceSampler
{
    private readonly CompiledGrammar _grammar;
    private int[] _stack;

    /// <summary>Creates a sampler for <paramref name="grammar"/>.</summary>
    public SentenceSampler(CompiledGrammar grammar)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        _grammar = grammar;
        _stack = new int[Math.Max(64, grammar.MaxRuleLength * 8)];
    }

    /// <summary>The grammar sampled.</summary>
    public CompiledGrammar Grammar => _grammar;

    /// <summary>
    /// Samples one sentence into <paramref name="destination"/> and returns how many tokens it wrote. Stops as soon as
    /// the destination is full: a sentence longer than the destination is cut there, and since pre-order derivation
    /// emits tokens left to right, the kept prefix has exactly the distribution of the first tokens of a full sentence.
    /// </summary>
    public int SampleSentence(ref Xoshiro256StarStar rng, Span<int> destination)
    {
        var capacity = destination.Length;
        if (capacity == 0)
        {
            return 0;
        }

        var g = _grammar;
        ref var ruleBase = ref MemoryMarshal.GetArrayDataReference(g.NonterminalRuleBase);
        ref var ruleCount = ref MemoryMarshal.GetArrayDataReference(g.NonterminalRuleCount);
        ref var thresholds = ref MemoryMarshal.GetArrayDataReference(g.AliasThresholds);
        ref var targets = ref MemoryMarshal.GetArrayDataReference(g.AliasTargets);
        ref var ruleOffset = ref MemoryMarshal.GetArrayDataReference(g.RuleSymbolOffset);
        ref var ruleLength = ref MemoryMarshal.GetArrayDataReference(g.RuleLength);
        ref var ruleLeading = ref MemoryMarshal.GetArrayDataReference(g.RuleLeadingTerminals);
        ref var symbols = ref MemoryMarshal.GetArrayDataReference(g.Symbols);
        ref var output = ref MemoryMarshal.GetReference(destination);
        var stackArray = _stack;
        ref var stack = ref MemoryMarshal.GetArrayDataReference(stackArray);
        var written = 0;
        var top = 0;
        var nonterminal = g.Start;
        while (true)
        {
            var rule = Unsafe.Add(ref ruleBase, nonterminal);
            var count = Unsafe.Add(ref ruleCount, nonterminal);
            if (count != 1)
            {
                var column = rule + (int)Math.BigMul(rng.NextUInt64(), (ulong)(uint)count, out var low);
                rule = low < Unsafe.Add(ref thresholds, column) ? column : Unsafe.Add(ref targets, column);
            }

            ref var rhs = ref Unsafe.Add(ref symbols, Unsafe.Add(ref ruleOffset, rule));
            var length = Unsafe.Add(ref ruleLength, rule);
            var leading = Unsafe.Add(ref ruleLeading, rule);
            if (leading > 0)
            {
                var room = capacity - written;
                if (leading >= room)
                {
                    Copy(ref rhs, ref Unsafe.Add(ref output, written), room);
                    return capacity;
                }

                Copy(ref rhs, ref Unsafe.Add(ref output, written), leading);
                written += leading;
            }

            if (leading < length)
            {
                // Continue with the first nonterminal at once; push what follows it, rightmost first.
                if (top + length > stackArray.Length)
                {
                    Array.Resize(ref stackArray, Math.Max(stackArray.Length * 2, top + length));
                    _stack = stackArray;
                    stack = ref MemoryMarshal.GetArrayDataReference(stackArray);
                }

                for (var k = length - 1; k > leading; k--)
                {
                    Unsafe.Add(ref stack, top++) = Unsafe.Add(ref rhs, k);
                }

                nonterminal = ~Unsafe.Add(ref rhs, leading);
                continue;
            }

            while (true)
            {
                if (top == 0)
                {
                    return written;
                }

                var code = Unsafe.Add(ref stack, --top);
                if (code < 0)
                {
                    nonterminal = ~code;
                    break;
                }

                Unsafe.Add(ref output, written++) = code;
                if (written == capacity)
                {
                    return capacity;
                }
            }
        }
    }

    /// <summary>
    /// Samples one whole sentence and reports its derivation (not the hot path: it allocates). Consumes the generator
    /// exactly like <see cref="SampleSentence"/>, so from the same state it yields the same tokens.
    /// </summary>
    public SentenceTrace SampleSentenceTraced(ref Xoshiro256StarStar rng)
    {
        var g = _grammar;
        var tokens = new List<int>();
        var stack = new Stack<int>();
        stack.Push(~g.Start);
        long expansions = 0;
        var log2 = 0.0;
        while (stack.Count > 0)
        {
            var code = stack.Pop();
            if (code >= 0)
            {
                tokens.Add(code);
                continue;
            }

            var nonterminal = ~code;
            var rule = g.NonterminalRuleBase[nonterminal];
            var count = g.NonterminalRuleCount[nonterminal];
            if (count != 1)
            {
                var column = rule + (int)Math.BigMul(rng.NextUInt64(), (ulong)(uint)count, out var low);
                rule = low < g.AliasThresholds[column] ? column : g.AliasTargets[column];
            }

            expansions++;
            log2 += g.RuleLog2Probability[rule];
            var offset = g.RuleSymbolOffset[rule];
            for (var k = g.RuleLength[rule] - 1; k >= 0; k--)
            {
                stack.Push(g.Symbols[offset + k]);
            }
        }

        return new SentenceTrace([.. tokens], expansions, log2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(ref int source, ref int destination, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Unsafe.Add(ref destination, i) = Unsafe.Add(ref source, i);
        }
    }
}
