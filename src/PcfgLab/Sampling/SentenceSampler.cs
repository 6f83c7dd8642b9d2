using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PcfgLab.Sampling;

/// <summary>
/// Samples sentences of a <see cref="CompiledGrammar"/> by iterative pre-order, left-to-right derivation on an
/// explicit stack: no recursion, one reusable stack that grows when needed, no allocation per token or expansion.
/// The stack holds continuations (where to resume reading a rule body), not symbols, and a nonterminal that ends its
/// body pushes nothing. Every expansion takes one 64-bit number from the generator, the sentence's first one included
/// (the start symbol's unit rules are flattened with the rules they lead to). Not thread-safe: use one per thread.
/// </summary>
internal sealed class SentenceSampler
{
    private readonly CompiledGrammar _grammar;
    private int[] _stack = new int[256];

    /// <summary>Creates a sampler for <paramref name="grammar"/>.</summary>
    public SentenceSampler(CompiledGrammar grammar)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        _grammar = grammar;
    }

    /// <summary>The grammar sampled.</summary>
    public CompiledGrammar Grammar => _grammar;

    /// <summary>
    /// Samples one sentence into <paramref name="destination"/> and returns how many tokens it wrote. Stops as soon as
    /// the destination is full: a sentence longer than the destination is cut there, and since pre-order derivation
    /// emits tokens left to right, the kept prefix has exactly the distribution of the first tokens of a full sentence.
    /// Entries of the destination after the returned count may be overwritten with scratch values.
    /// </summary>
    public int SampleSentence(ref Xoshiro256StarStar rng, Span<int> destination) =>
        Run(ref rng, destination, separator: false);

    /// <summary>
    /// Fills <paramref name="destination"/> with whole sentences separated by <see cref="DocumentSampler.Separator"/>,
    /// the last one cut where the destination ends (the hot path of <see cref="DocumentSampler"/>).
    /// </summary>
    internal void FillDocument(ref Xoshiro256StarStar rng, Span<int> destination) =>
        Run(ref rng, destination, separator: true);

    private int Run(ref Xoshiro256StarStar rngState, Span<int> destination, bool separator)
    {
        var capacity = destination.Length;
        if (capacity == 0)
        {
            return 0;
        }

        var g = _grammar;
        ref var tables = ref MemoryMarshal.GetArrayDataReference(g.Tables);
        ref var entries = ref MemoryMarshal.GetArrayDataReference(g.AliasEntries);
        ref var stream = ref MemoryMarshal.GetArrayDataReference(g.Stream);
        ref var runLength = ref MemoryMarshal.GetArrayDataReference(g.TerminalRunLength);
        ref var output = ref MemoryMarshal.GetReference(destination);
        var startFirst = g.StartTable.First;
        var startCount = (ulong)(uint)g.StartTable.Count;
        var stackArray = _stack;
        ref var stack = ref MemoryMarshal.GetArrayDataReference(stackArray);
        var stackLength = stackArray.Length;

        // A local copy lets the JIT keep the generator's state in registers.
        var rng = rngState;
        var written = 0;
        var top = 0;
        var position = Choose(ref entries, startFirst, startCount, rng.NextUInt64());
        while (true)
        {
            var code = Unsafe.Add(ref stream, position);
            if (code >= 0)
            {
                // Copy the whole run of terminals that starts here in 8-wide blocks when they fit in the destination
                // (the last block may write up to 7 scratch tokens past the run; later tokens overwrite them).
                var run = Unsafe.Add(ref runLength, position);
                var room = capacity - written;
                if (Vector256.IsHardwareAccelerated && ((run + 7) & ~7) <= room)
                {
                    var copied = 0;
                    do
                    {
                        Vector256.LoadUnsafe(ref stream, (nuint)(uint)(position + copied))
                            .StoreUnsafe(ref output, (nuint)(uint)(written + copied));
                        copied += Vector256<int>.Count;
                    }
                    while (copied < run);

                    written += run;
                    position += run;
                    if (written == capacity)
                    {
                        break;
                    }

                    continue;
                }

                var count = Math.Min(run, room);
                for (var i = 0; i < count; i++)
                {
                    Unsafe.Add(ref output, written + i) = Unsafe.Add(ref stream, position + i);
                }

                written += count;
                position += count;
                if (written == capacity)
                {
                    break;
                }

                continue;
            }

            position++;

            var nonterminal = -2 - code;
            if (nonterminal >= 0)
            {
                if (top == stackLength)
                {
                    stackLength *= 2;
                    Array.Resize(ref stackArray, stackLength);
                    _stack = stackArray;
                    stack = ref MemoryMarshal.GetArrayDataReference(stackArray);
                }

                // Push the continuation unless the nonterminal ends its body (then the slot is just overwritten).
                Unsafe.Add(ref stack, top) = position;
                top += 1 - (nonterminal & 1);
                var table = Unsafe.Add(ref tables, nonterminal >> 1);
                position = Choose(ref entries, table.First, (ulong)(uint)table.Count, rng.NextUInt64());
                continue;
            }

            if (top != 0)
            {
                position = Unsafe.Add(ref stack, --top);
                continue;
            }

            // The sentence is complete.
            if (!separator)
            {
                break;
            }

            Unsafe.Add(ref output, written++) = DocumentSampler.Separator;
            if (written == capacity)
            {
                break;
            }

            position = Choose(ref entries, startFirst, startCount, rng.NextUInt64());
        }

        rngState = rng;
        return written;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Choose(ref AliasEntry entries, int first, ulong count, ulong random)
    {
        // High 64 bits of random * count pick the column, the low 64 bits decide keep or alias (see AliasTable).
        var product = (UInt128)random * count;
        ref var entry = ref Unsafe.Add(ref entries, first + (int)(ulong)(product >> 64));
        return (ulong)product < entry.Threshold ? entry.KeepPosition : entry.AliasPosition;
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

        var item = ChooseItem(g, g.StartTable, rng.NextUInt64(), start: true);
        long expansions = g.StartItemExpansions[item];
        var log2 = g.StartItemLog2Probability[item];
        var position = g.StartItemPosition[item];
        while (true)
        {
            var code = g.Stream[position++];
            if (code >= 0)
            {
                tokens.Add(code);
            }
            else if (code != CompiledGrammar.EndOfRule)
            {
                var nonterminal = -2 - code;
                if ((nonterminal & 1) == 0)
                {
                    stack.Push(position);
                }

                var rule = ChooseItem(g, g.Tables[nonterminal >> 1], rng.NextUInt64(), start: false);
                expansions++;
                log2 += g.RuleLog2Probability[rule];
                position = g.RuleStreamPosition[rule];
            }
            else if (stack.Count > 0)
            {
                position = stack.Pop();
            }
            else
            {
                return new SentenceTrace([.. tokens], expansions, log2);
            }
        }
    }

    /// <summary>
    /// Samples one sentence like <see cref="SampleSentenceTraced"/> (same random numbers, same tokens) and gives its
    /// derivation's log2 probability, without allocating: the tokens go to <paramref name="destination"/>, and when it
    /// fills up the method stops and returns its length (the caller draws again from the same state with more room).
    /// </summary>
    internal int SampleSentenceScored(ref Xoshiro256StarStar rng, Span<int> destination, out double log2Probability)
    {
        var g = _grammar;
        var written = 0;
        var top = 0;
        var item = ChooseItem(g, g.StartTable, rng.NextUInt64(), start: true);
        var log2 = g.StartItemLog2Probability[item];
        var position = g.StartItemPosition[item];
        while (true)
        {
            var code = g.Stream[position++];
            if (code >= 0)
            {
                if (written == destination.Length)
                {
                    log2Probability = double.NaN;
                    return written;
                }

                destination[written++] = code;
            }
            else if (code != CompiledGrammar.EndOfRule)
            {
                var nonterminal = -2 - code;
                if ((nonterminal & 1) == 0)
                {
                    if (top == _stack.Length)
                    {
                        Array.Resize(ref _stack, _stack.Length * 2);
                    }

                    _stack[top++] = position;
                }

                var rule = ChooseItem(g, g.Tables[nonterminal >> 1], rng.NextUInt64(), start: false);
                log2 += g.RuleLog2Probability[rule];
                position = g.RuleStreamPosition[rule];
            }
            else if (top > 0)
            {
                position = _stack[--top];
            }
            else
            {
                log2Probability = log2;
                return written;
            }
        }
    }

    /// <summary>The item (compiled rule, or start item) that <see cref="Choose"/> picks for the same random number.</summary>
    private static int ChooseItem(CompiledGrammar g, NonterminalTable table, ulong random, bool start)
    {
        var column = (int)Math.BigMul(random, (ulong)(uint)table.Count, out var low);
        var index = table.First + column;
        return low < g.AliasEntries[index].Threshold
            ? (start ? column : index)
            : g.AliasItems[index];
    }
}
