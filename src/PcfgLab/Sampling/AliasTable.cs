using System.Runtime.CompilerServices;

namespace PcfgLab.Sampling;

/// <summary>
/// Walker's alias table built with Vose's stable method: O(n) to build, O(1) per draw from a single 64-bit
/// random number and no allocation. Column i is kept with probability thresholds[i] / 2^64, otherwise its alias
/// is taken. The static <see cref="Build"/> and <see cref="Sample(ulong, ReadOnlySpan{ulong}, ReadOnlySpan{int})"/>
/// work on caller-owned flat arrays so a compiled grammar can hold many tables back to back.
/// </summary>
internal sealed class AliasTable
{
    private readonly ulong[] _thresholds;
    private readonly int[] _aliases;

    /// <summary>Builds a table over <paramref name="weights"/> (non-negative, finite, at least one positive).</summary>
    public AliasTable(ReadOnlySpan<double> weights)
    {
        _thresholds = new ulong[weights.Length];
        _aliases = new int[weights.Length];
        Build(weights, _thresholds, _aliases, 0);
    }

    /// <summary>Number of outcomes (columns).</summary>
    public int Count => _thresholds.Length;

    /// <summary>Draws an outcome from one uniform 64-bit random number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Sample(ulong random) => Sample(random, _thresholds, _aliases);

    /// <summary>Draws an outcome with <see cref="Xoshiro256StarStar"/>.</summary>
    public int Sample(ref Xoshiro256StarStar random) => Sample(random.NextUInt64(), _thresholds, _aliases);

    /// <summary>The exact probability the table gives outcome <paramref name="outcome"/> (up to 2^-64 per column).</summary>
    public double Probability(int outcome)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(outcome);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(outcome, Count);
        var mass = 0.0;
        for (var i = 0; i < Count; i++)
        {
            var keep = _thresholds[i] / 18446744073709551616.0;
            if (i == outcome)
            {
                mass += keep;
            }

            if (_aliases[i] == outcome)
            {
                mass += 1.0 - keep;
            }
        }

        return mass / Count;
    }

    /// <summary>
    /// Fills one table. <paramref name="aliases"/> receives outcome indices plus <paramref name="indexOffset"/>, so a
    /// table stored at offset k of a shared array can return shared indices directly.
    /// </summary>
    /// <param name="weights">Non-negative finite weights, at least one positive; they need not sum to 1.</param>
    /// <param name="thresholds">Receives the keep thresholds (probability times 2^64); same length as weights.</param>
    /// <param name="aliases">Receives the alias of each column, plus <paramref name="indexOffset"/>.</param>
    /// <param name="indexOffset">Added to every outcome index written to <paramref name="aliases"/>.</param>
    public static void Build(ReadOnlySpan<double> weights, Span<ulong> thresholds, Span<int> aliases, int indexOffset)
    {
        var n = weights.Length;
        if (n == 0)
        {
            throw new ArgumentException("An alias table needs at least one outcome.", nameof(weights));
        }

        if (thresholds.Length != n || aliases.Length != n)
        {
            throw new ArgumentException("The threshold and alias spans must have one entry per weight.");
        }

        var total = 0.0;
        var heaviest = 0;
        for (var i = 0; i < n; i++)
        {
            var w = weights[i];
            if (!(w >= 0) || double.IsInfinity(w))
            {
                throw new ArgumentException($"Weight {i} is {w}; weights must be finite and non-negative.", nameof(weights));
            }

            total += w;
            if (w > weights[heaviest])
            {
                heaviest = i;
            }
        }

        if (!(total > 0))
        {
            throw new ArgumentException("At least one weight must be positive.", nameof(weights));
        }

        var scaled = new double[n];
        var small = new int[n];
        var large = new int[n];
        int smallCount = 0, largeCount = 0;
        for (var i = 0; i < n; i++)
        {
            scaled[i] = weights[i] * n / total;
            if (scaled[i] < 1.0)
            {
                small[smallCount++] = i;
            }
            else
            {
                large[largeCount++] = i;
            }
        }

        while (smallCount > 0 && largeCount > 0)
        {
            var s = small[--smallCount];
            var l = large[--largeCount];
            thresholds[s] = ToThreshold(scaled[s]);
            aliases[s] = l + indexOffset;
            scaled[l] = (scaled[l] + scaled[s]) - 1.0;
            if (scaled[l] < 1.0)
            {
                small[smallCount++] = l;
            }
            else
            {
                large[largeCount++] = l;
            }
        }

        // What is left is full up to rounding: keep it always, aliased to itself.
        while (largeCount > 0)
        {
            var l = large[--largeCount];
            thresholds[l] = ulong.MaxValue;
            aliases[l] = l + indexOffset;
        }

        while (smallCount > 0)
        {
            var s = small[--smallCount];
            if (weights[s] > 0)
            {
                thresholds[s] = ulong.MaxValue;
                aliases[s] = s + indexOffset;
            }
            else
            {
                // Rounding can strand a zero weight here; it must still never be drawn.
                thresholds[s] = 0;
                aliases[s] = heaviest + indexOffset;
            }
        }
    }

    /// <summary>
    /// Draws from a table built with index offset 0 and stored in flat spans: the high 64 bits of random * n pick the column and the low 64 bits
    /// (uniform on a grid of step n) decide between the column and its alias.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Sample(ulong random, ReadOnlySpan<ulong> thresholds, ReadOnlySpan<int> aliases)
    {
        var column = (int)Math.BigMul(random, (ulong)thresholds.Length, out var low);
        return low < thresholds[column] ? column : aliases[column];
    }

    private static ulong ToThreshold(double probability) =>
        probability >= 1.0 ? ulong.MaxValue : (ulong)(probability * 18446744073709551616.0);
}
