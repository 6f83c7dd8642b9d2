using System.Numerics;

namespace PcfgLab.Base;

/// <summary>
/// A port of CPython's <c>random.Random</c> (MT19937 seeded by <c>init_by_array</c>) that consumes the
/// generator exactly as CPython 3.11 does for <c>random()</c>, <c>getrandbits(k &lt;= 32)</c>,
/// <c>randint</c>, <c>choice</c> and <c>choices</c>. Used to rebuild the reference's grammars and
/// datasets bit for bit.
/// </summary>
internal sealed class PythonRandom
{
    private const int N = 624;
    private const int M = 397;
    private readonly uint[] _mt = new uint[N];
    private int _index;

    /// <summary>Seeds like <c>random.seed(seed)</c> for an integer seed.</summary>
    public PythonRandom(long seed)
    {
        // CPython hashes an int seed by its absolute value, split into 32-bit words, least significant first.
        var magnitude = seed == long.MinValue ? 1UL << 63 : (ulong)Math.Abs(seed);
        uint[] key = magnitude >> 32 == 0 ? [(uint)magnitude] : [(uint)magnitude, (uint)(magnitude >> 32)];
        InitByArray(key);
    }

    private void InitGenrand(uint s)
    {
        _mt[0] = s;
        for (var i = 1; i < N; i++)
        {
            _mt[i] = (1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30))) + (uint)i;
        }

        _index = N;
    }

    private void InitByArray(uint[] key)
    {
        InitGenrand(19650218u);
        int i = 1, j = 0;
        for (var k = Math.Max(N, key.Length); k > 0; k--)
        {
            _mt[i] = (_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint)j;
            i++;
            j++;
            if (i >= N)
            {
                _mt[0] = _mt[N - 1];
                i = 1;
            }

            if (j >= key.Length)
            {
                j = 0;
            }
        }

        for (var k = N - 1; k > 0; k--)
        {
            _mt[i] = (_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1566083941u)) - (uint)i;
            i++;
            if (i >= N)
            {
                _mt[0] = _mt[N - 1];
                i = 1;
            }
        }

        _mt[0] = 0x80000000u;
    }

    private void Twist()
    {
        for (var kk = 0; kk < N; kk++)
        {
            var y = (_mt[kk] & 0x80000000u) | (_mt[(kk + 1) % N] & 0x7fffffffu);
            _mt[kk] = _mt[(kk + M) % N] ^ (y >> 1) ^ ((y & 1u) * 0x9908b0dfu);
        }

        _index = 0;
    }

    /// <summary>The next raw 32-bit output of MT19937.</summary>
    public uint NextUInt32()
    {
        if (_index >= N)
        {
            Twist();
        }

        var y = _mt[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary><c>random.random()</c>: a double in [0, 1) with 53 random bits.</summary>
    public double NextDouble()
    {
        var a = NextUInt32() >> 5;
        var b = NextUInt32() >> 6;
        return ((a * 67108864.0) + b) * (1.0 / 9007199254740992.0);
    }

    /// <summary><c>random.getrandbits(k)</c> for 0 &lt;= k &lt;= 32.</summary>
    public uint GetRandBits(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, 32);
        return k == 0 ? 0u : NextUInt32() >> (32 - k);
    }

    /// <summary><c>random._randbelow(n)</c> for 1 &lt;= n &lt; 2^32: rejection sampling on bit_length(n) bits.</summary>
    public int RandBelow(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var k = 32 - BitOperations.LeadingZeroCount((uint)n);
        var r = GetRandBits(k);
        while (r >= (uint)n)
        {
            r = GetRandBits(k);
        }

        return (int)r;
    }

    /// <summary><c>random.randint(a, b)</c>, both ends included.</summary>
    public int RandInt(int a, int b)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(b, a);
        return a + RandBelow(b - a + 1);
    }

    /// <summary>
    /// <c>random.choices(population, cum_weights=cumulative)[0]</c>: one <see cref="NextDouble"/> call,
    /// then <c>bisect_right(cumulative, random() * total, 0, n - 1)</c>.
    /// </summary>
    public int ChooseCumulative(ReadOnlySpan<double> cumulative)
    {
        var n = cumulative.Length;
        var x = NextDouble() * (cumulative[n - 1] + 0.0);
        int lo = 0, hi = n - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (x < cumulative[mid])
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }
}
