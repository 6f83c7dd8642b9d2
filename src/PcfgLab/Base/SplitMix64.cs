namespace PcfgLab.Base;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014; Vigna's public-domain C version): a 64-bit counter advanced by the
/// golden-ratio increment and passed through a bijective mixer. Used to expand one 64-bit seed into the
/// 256-bit state of the samplers' <c>Sampling.Xoshiro256StarStar</c>, as the xoshiro authors recommend.
/// </summary>
internal static class SplitMix64
{
    /// <summary>The increment of the counter: 2^64 / golden ratio, odd.</summary>
    public const ulong Increment = 0x9E3779B97F4A7C15UL;

    /// <summary>Advances <paramref name="state"/> by <see cref="Increment"/> and returns the mixed new value.</summary>
    public static ulong Next(ref ulong state)
    {
        state += Increment;
        return Mix(state);
    }

    /// <summary>The SplitMix64 finaliser: a bijection of 64-bit words with good avalanche.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>
/// A SplitMix64 stream: its sequence is fixed by its seed on every platform and .NET version (System.Random's seeded
/// sequence is an implementation detail), so samples, bootstraps and intervals are reproducible. A struct: keep it in
/// a local or a non-readonly field, or each call would advance a copy.
/// </summary>
/// <param name="seed">The starting state.</param>
internal struct SplitMix64Stream(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The stream numbered <paramref name="stream"/> of <paramref name="seed"/> (for example one per bootstrap resample).</summary>
    public static SplitMix64Stream ForStream(ulong seed, ulong stream) => new(seed ^ ((stream + 1) * 0xD1342543DE82EF95UL));

    /// <summary>Next 64 random bits.</summary>
    public ulong NextUInt64() => SplitMix64.Next(ref _state);

    /// <summary>Uniform integer in [0, <paramref name="bound"/>), without modulo bias (Lemire's method with rejection).</summary>
    public long NextBelow(long bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        var range = (ulong)bound;
        var threshold = (0UL - range) % range;
        while (true)
        {
            var high = Math.BigMul(NextUInt64(), range, out var low);
            if (low >= threshold)
            {
                return (long)high;
            }
        }
    }

    /// <summary>An index in [0, <paramref name="count"/>) by multiply-and-shift (a bias below count / 2^64, no rejection).</summary>
    public int NextIndex(int count) => (int)(((UInt128)NextUInt64() * (ulong)count) >> 64);
}
