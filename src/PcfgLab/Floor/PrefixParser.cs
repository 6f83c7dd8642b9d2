using System.Runtime.CompilerServices;

namespace PcfgLab.Floor;

/// <summary>
/// A probabilistic Earley parser (Stolcke 1995) that gives, for a sentence w_1..w_n of a <see cref="PrefixGrammar"/>,
/// every next-token probability p(w_t | w_1..w_{t-1}) = P(prefix w_1..w_t) / P(prefix w_1..w_{t-1}), and, for a
/// complete sentence, the probability that it ends there: P(sentence = w) / P(prefix w). All exact (up to rounding):
/// ambiguity, left recursion and unit cycles are summed, not sampled or cut off.
/// </summary>
/// <remarks>
/// <para>
/// Forward (alpha) and inner (gamma) probabilities are kept scaled: those of Earley set t are divided by the prefix
/// probability of w_1..w_t, so that long sentences never underflow, and the scale factor between sets t-1 and t is
/// exactly the conditional probability of w_t (the sum of the scanned items' forward probabilities).
/// </para>
/// <para>
/// Because the whole sentence is known, items are kept only when their next symbol can start the next token (a one-token
/// lookahead). That drops only items that could never scan it, so no probability that is reported changes. Predicted
/// items are never stored: set k keeps a vector over nonterminals (the left-corner closure applied to what set k waits
/// for), and a scan or completion reads the predicted rule's forward probability from it.
/// </para>
/// <para>Not thread-safe; one per thread. Work arrays grow to the longest sentence seen and are reused: nothing is allocated
/// per token.</para>
/// </remarks>
internal sealed class PrefixParser
{
    private readonly PrefixGrammar _g;
    private readonly int _n;

    // Items of the set being built, deduplicated on (rule, dot, origin) with a stamped open-addressing table.
    private Item[] _current = new Item[64];
    private int _currentCount;
    private int[] _slotItem = new int[256];
    private int[] _slotStamp = new int[256];
    private int _stamp;

    // Finished sets: items waiting for the next token, then items waiting for a nonterminal grouped by it.
    private Item[] _pool = new Item[256];
    private int _poolCount;
    private Group[] _groups = new Group[64];
    private int _groupCount;
    private int[] _scanStart = new int[64];
    private int[] _scanEnd = new int[64];
    private int[] _groupStart = new int[64];
    private int[] _groupEnd = new int[64];

    // Predicted forward probability of each nonterminal's rules at set k: _predicted[k * n + Y].
    private double[] _predicted;

    // Completed items of the set being built, by origin: linked lists of (lhs, gamma).
    private int[] _head = new int[64];
    private int[] _pairLhs = new int[64];
    private double[] _pairGamma = new double[64];
    private int[] _pairNext = new int[64];
    private int _pairCount;

    // Origins with completed items, a max-heap: completion visits them from the largest down.
    private int[] _origins = new int[64];
    private int _originCount;

    // Per-nonterminal scratch: completion factors F[Z] and the group counting sort.
    private readonly double[] _factor;
    private readonly int[] _touched;
    private readonly bool[] _isTouched;
    private int _touchedCount;
    private readonly int[] _zCount;
    private readonly double[] _zAlpha;

    /// <summary>Creates a parser for <paramref name="grammar"/>.</summary>
    public PrefixParser(PrefixGrammar grammar)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        _g = grammar;
        _n = grammar.NonterminalCount;
        _predicted = new double[64 * _n];
        _factor = new double[_n];
        _touched = new int[_n];
        _isTouched = new bool[_n];
        _zCount = new int[_n];
        _zAlpha = new double[_n];
        Array.Fill(_head, -1);
    }

    /// <summary>The grammar parsed.</summary>
    public PrefixGrammar Grammar => _g;

    /// <summary>
    /// Parses <paramref name="sentence"/> left to right. Writes p(w_t | w_1..w_{t-1}) for t = 1..n into
    /// <paramref name="conditionals"/> (the first is the probability that a sentence starts with w_1). When
    /// <paramref name="complete"/> is true, returns the probability that the sentence ends after w_n given its prefix;
    /// otherwise (a prefix cut by the end of a document) returns NaN and skips that work.
    /// </summary>
    /// <returns>P(sentence = w | prefix w), or NaN when not <paramref name="complete"/>. A token the grammar cannot
    /// produce at its place gets conditional 0, and the following ones (and the end probability) 0 too.</returns>
    public double Parse(ReadOnlySpan<int> sentence, bool complete, Span<double> conditionals)
    {
        var length = sentence.Length;
        if (length == 0)
        {
            throw new ArgumentException("A sentence has at least one token.", nameof(sentence));
        }

        if (conditionals.Length < length)
        {
            throw new ArgumentException($"The conditionals need room for {length} values, not {conditionals.Length}.", nameof(conditionals));
        }

        EnsureSets(length + 1);
        var g = _g;
        var n = _n;
        _poolCount = 0;
        _groupCount = 0;
        _scanStart[0] = _scanEnd[0] = 0;
        _groupStart[0] = _groupEnd[0] = 0;

        // Set 0: only the virtual item S' -> . S, whose prediction is row S of R_L.
        var first = sentence[0];
        if ((uint)first >= (uint)g.TerminalLimit)
        {
            conditionals[..length].Clear();
            return complete ? 0 : double.NaN;
        }

        var startRow = g.LeftCornerRow[g.Start];
        for (var i = g.LeftCornerStart[first]; i < g.LeftCornerStart[first + 1]; i++)
        {
            var y = g.LeftCorners[i];
            _predicted[y] = g.LeftCornerClosure[startRow + g.LeftCornerColumn[y]];
        }

        var end = double.NaN;
        for (var t = 1; t <= length; t++)
        {
            var token = sentence[t - 1];
            var look = t < length ? sentence[t] : -1;
            if (look >= g.TerminalLimit)
            {
                look = -2; // no item can scan it; the next set is empty
            }

            _currentCount = 0;
            NextStamp();

            // Scan w_t: stored items waiting for it (the lookahead kept only those), and predicted rules starting with it.
            var probability = 0.0;
            for (var i = _scanStart[t - 1]; i < _scanEnd[t - 1]; i++)
            {
                ref var item = ref _pool[i];
                probability += item.Alpha;
                Advance(item.Rule, item.Dot + 1, item.Origin, item.Alpha, item.Gamma, look);
            }

            if ((uint)token < (uint)g.TerminalLimit)
            {
                var row = (t - 1) * n;
                for (var i = g.TerminalRuleStart[token]; i < g.TerminalRuleStart[token + 1]; i++)
                {
                    var r = g.TerminalRules[i];
                    var predicted = _predicted[row + g.RuleLhs[r]];
                    if (predicted == 0)
                    {
                        continue;
                    }

                    var p = g.RuleProbability[r];
                    var alpha = predicted * p;
                    probability += alpha;
                    Advance(r, 1, t - 1, alpha, p, look);
                }
            }

            conditionals[t - 1] = probability;
            if (!(probability > 0))
            {
                // Impossible token: everything after it has probability 0 as well.
                ClearPairs();
                conditionals[t..length].Clear();
                return complete ? 0 : double.NaN;
            }

            // Rescale set t by the conditional, so that its forward probabilities are relative to P(w_1..w_t).
            var inverse = 1.0 / probability;
            for (var i = 0; i < _currentCount; i++)
            {
                _current[i].Alpha *= inverse;
                _current[i].Gamma *= inverse;
            }

            for (var i = 0; i < _pairCount; i++)
            {
                _pairGamma[i] *= inverse;
            }

            if (t == length && !complete)
            {
                ClearPairs();
                break;
            }

            var ending = Complete(t, look, t == length);
            if (t == length)
            {
                end = ending;
                break;
            }

            FinishSet(t, look);
        }

        return complete ? end : double.NaN;
    }

    /// <summary>
    /// Completion at set t, origins from t - 1 down to 0: an item completed with origin k only makes completed items of
    /// smaller origin (no right-hand side is empty), so each origin's total is final when it is processed. Returns the
    /// scaled inner probability of S' -&gt; S . over 0..t when <paramref name="last"/>.
    /// </summary>
    private double Complete(int t, int look, bool last)
    {
        var g = _g;
        var n = _n;
        var top = 0.0;
        while (_originCount > 0)
        {
            // The largest origin with completed items (a max-heap, so that a long sentence costs no scan of every set).
            var k = PopOrigin();
            var pair = _head[k];
            _head[k] = -1;

            // F[Z] = sum over completed Y (k..t) of R_U[Z, Y] * gamma: the unit chains from a waiting Z down to Y.
            _touchedCount = 0;
            for (; pair >= 0; pair = _pairNext[pair])
            {
                var y = _pairLhs[pair];
                var gamma = _pairGamma[pair];
                for (var i = g.UnitAncestorStart[y]; i < g.UnitAncestorStart[y + 1]; i++)
                {
                    var z = g.UnitAncestors[i];
                    if (!_isTouched[z])
                    {
                        // (A flag, not _factor[z] == 0: an inner probability can underflow to 0.)
                        _isTouched[z] = true;
                        _touched[_touchedCount++] = z;
                    }

                    _factor[z] += g.UnitAncestorFactor[i] * gamma;
                }
            }

            if (k == 0 && last)
            {
                top = _factor[g.Start];
            }

            // Stored items of set k waiting for some Z.
            for (var gi = _groupStart[k]; gi < _groupEnd[k]; gi++)
            {
                var group = _groups[gi];
                var f = _factor[group.Nonterminal];
                if (f == 0)
                {
                    continue;
                }

                for (var i = group.Start; i < group.End; i++)
                {
                    var item = _pool[i];
                    Advance(item.Rule, item.Dot + 1, item.Origin, item.Alpha * f, item.Gamma * f, look);
                }
            }

            // Predicted rules X -> Z mu of set k (mu is not empty: unit rules are in R_U). They cannot complete here, so
            // they matter only when a next token can follow.
            if (look >= 0)
            {
                var row = k * n;
                for (var zi = 0; zi < _touchedCount; zi++)
                {
                    var z = _touched[zi];
                    var f = _factor[z];
                    for (var i = g.NonterminalRuleStart[z]; i < g.NonterminalRuleStart[z + 1]; i++)
                    {
                        var r = g.NonterminalRules[i];
                        var predicted = _predicted[row + g.RuleLhs[r]];
                        if (predicted == 0 || !g.CanStart(g.Symbols[g.RuleOffset[r] + 1], look))
                        {
                            continue;
                        }

                        var p = g.RuleProbability[r] * f;
                        Add(r, 1, k, predicted * p, p);
                    }
                }
            }

            for (var zi = 0; zi < _touchedCount; zi++)
            {
                _factor[_touched[zi]] = 0;
                _isTouched[_touched[zi]] = false;
            }
        }

        _pairCount = 0;
        return top;
    }

    /// <summary>Stores set t (items waiting for the next token first, then the rest grouped by the nonterminal they wait
    /// for) and its prediction vector over the nonterminals that can start the next token.</summary>
    private void FinishSet(int t, int look)
    {
        var g = _g;
        var n = _n;
        EnsurePool(_poolCount + _currentCount);
        _scanStart[t] = _poolCount;
        _touchedCount = 0;
        for (var i = 0; i < _currentCount; i++)
        {
            ref var item = ref _current[i];
            var next = g.Symbols[g.RuleOffset[item.Rule] + item.Dot];
            if (next >= 0)
            {
                _pool[_poolCount++] = item;
            }
            else
            {
                var z = ~next;
                if (_zCount[z] == 0)
                {
                    _touched[_touchedCount++] = z;
                }

                _zCount[z]++;
                _zAlpha[z] += item.Alpha;
            }
        }

        _scanEnd[t] = _poolCount;

        // Counting sort of the waiting items by nonterminal; the groups are in order of first appearance.
        EnsureGroups(_groupCount + _touchedCount);
        _groupStart[t] = _groupCount;
        var at = _poolCount;
        for (var zi = 0; zi < _touchedCount; zi++)
        {
            var z = _touched[zi];
            _groups[_groupCount++] = new Group(z, at, at);
            at += _zCount[z];
            _zCount[z] = _groupCount - 1; // now the group's index
        }

        _groupEnd[t] = _groupCount;
        for (var i = 0; i < _currentCount; i++)
        {
            ref var item = ref _current[i];
            var next = g.Symbols[g.RuleOffset[item.Rule] + item.Dot];
            if (next < 0)
            {
                ref var group = ref _groups[_zCount[~next]];
                _pool[group.End++] = item;
            }
        }

        _poolCount = at;

        // Prediction: alpha of Y's rules at t = sum over waiting Z of (sum of alpha waiting for Z) * R_L[Z, Y], needed
        // only for the Y that can start the next token.
        var row = t * n;
        if (look >= 0)
        {
            var closure = g.LeftCornerClosure;
            for (var i = g.LeftCornerStart[look]; i < g.LeftCornerStart[look + 1]; i++)
            {
                var y = g.LeftCorners[i];
                var column = g.LeftCornerColumn[y];
                var sum = 0.0;
                for (var zi = 0; zi < _touchedCount; zi++)
                {
                    var z = _touched[zi];
                    sum += _zAlpha[z] * closure[g.LeftCornerRow[z] + column];
                }

                _predicted[row + y] = sum;
            }
        }

        for (var zi = 0; zi < _touchedCount; zi++)
        {
            var z = _touched[zi];
            _zCount[z] = 0;
            _zAlpha[z] = 0;
        }
    }

    /// <summary>Moves the dot: a completed item joins its origin's list, another is kept when it can scan the next token.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Advance(int rule, int dot, int origin, double alpha, double gamma, int look)
    {
        var g = _g;
        if (dot == g.RuleLength[rule])
        {
            AddPair(origin, g.RuleLhs[rule], gamma);
        }
        else if (look >= 0 && g.CanStart(g.Symbols[g.RuleOffset[rule] + dot], look))
        {
            Add(rule, dot, origin, alpha, gamma);
        }
    }

    private void Add(int rule, int dot, int origin, double alpha, double gamma)
    {
        if (_currentCount * 2 >= _slotItem.Length)
        {
            GrowTable();
        }

        var mask = _slotItem.Length - 1;
        var slot = Hash(rule, dot, origin) & mask;
        while (_slotStamp[slot] == _stamp)
        {
            ref var existing = ref _current[_slotItem[slot]];
            if (existing.Rule == rule && existing.Dot == dot && existing.Origin == origin)
            {
                existing.Alpha += alpha;
                existing.Gamma += gamma;
                return;
            }

            slot = (slot + 1) & mask;
        }

        if (_currentCount == _current.Length)
        {
            Array.Resize(ref _current, _current.Length * 2);
        }

        _slotStamp[slot] = _stamp;
        _slotItem[slot] = _currentCount;
        _current[_currentCount++] = new Item(rule, dot, origin, alpha, gamma);
    }

    private void AddPair(int origin, int lhs, double gamma)
    {
        if (_pairCount == _pairLhs.Length)
        {
            var size = _pairLhs.Length * 2;
            Array.Resize(ref _pairLhs, size);
            Array.Resize(ref _pairGamma, size);
            Array.Resize(ref _pairNext, size);
        }

        if (_head[origin] < 0)
        {
            PushOrigin(origin);
        }

        _pairLhs[_pairCount] = lhs;
        _pairGamma[_pairCount] = gamma;
        _pairNext[_pairCount] = _head[origin];
        _head[origin] = _pairCount++;
    }

    private void ClearPairs()
    {
        for (var i = 0; i < _originCount; i++)
        {
            _head[_origins[i]] = -1;
        }

        _originCount = 0;
        _pairCount = 0;
    }

    private void PushOrigin(int origin)
    {
        if (_originCount == _origins.Length)
        {
            Array.Resize(ref _origins, _origins.Length * 2);
        }

        var i = _originCount++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (_origins[parent] >= origin)
            {
                break;
            }

            _origins[i] = _origins[parent];
            i = parent;
        }

        _origins[i] = origin;
    }

    private int PopOrigin()
    {
        var top = _origins[0];
        var last = _origins[--_originCount];
        var i = 0;
        while (true)
        {
            var child = (2 * i) + 1;
            if (child >= _originCount)
            {
                break;
            }

            if (child + 1 < _originCount && _origins[child + 1] > _origins[child])
            {
                child++;
            }

            if (_origins[child] <= last)
            {
                break;
            }

            _origins[i] = _origins[child];
            i = child;
        }

        if (_originCount > 0)
        {
            _origins[i] = last;
        }

        return top;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(int rule, int dot, int origin)
    {
        var h = ((uint)rule * 0x9E3779B1u) ^ ((uint)dot * 0x85EBCA77u) ^ ((uint)origin * 0xC2B2AE3Du);
        return (int)(h ^ (h >> 15));
    }

    private void NextStamp()
    {
        if (++_stamp == int.MaxValue)
        {
            Array.Clear(_slotStamp);
            _stamp = 1;
        }
    }

    private void GrowTable()
    {
        var size = _slotItem.Length * 2;
        _slotItem = new int[size];
        _slotStamp = new int[size];
        _stamp = 1;
        var mask = size - 1;
        for (var i = 0; i < _currentCount; i++)
        {
            ref var item = ref _current[i];
            var slot = Hash(item.Rule, item.Dot, item.Origin) & mask;
            while (_slotStamp[slot] == _stamp)
            {
                slot = (slot + 1) & mask;
            }

            _slotStamp[slot] = _stamp;
            _slotItem[slot] = i;
        }
    }

    private void EnsureSets(int sets)
    {
        if (_scanStart.Length >= sets)
        {
            return;
        }

        var size = Math.Max(sets, _scanStart.Length * 2);
        Array.Resize(ref _scanStart, size);
        Array.Resize(ref _scanEnd, size);
        Array.Resize(ref _groupStart, size);
        Array.Resize(ref _groupEnd, size);
        var old = _head.Length;
        Array.Resize(ref _head, size);
        _head.AsSpan(old).Fill(-1);
        _predicted = new double[size * _n];
    }

    private void EnsurePool(int size)
    {
        if (_pool.Length < size)
        {
            Array.Resize(ref _pool, Math.Max(size, _pool.Length * 2));
        }
    }

    private void EnsureGroups(int size)
    {
        if (_groups.Length < size)
        {
            Array.Resize(ref _groups, Math.Max(size, _groups.Length * 2));
        }
    }

    private struct Item(int rule, int dot, int origin, double alpha, double gamma)
    {
        public readonly int Rule = rule;
        public readonly int Dot = dot;
        public readonly int Origin = origin;
        public double Alpha = alpha;
        public double Gamma = gamma;
    }

    private struct Group(int nonterminal, int start, int end)
    {
        public readonly int Nonterminal = nonterminal;
        public readonly int Start = start;
        public int End = end;
    }
}
