using System.Numerics;
using System.Runtime.CompilerServices;

namespace PcfgLab.Sampling;

/// <summary>
/// xoshiro256** 1.0 (Blackman and Vigna 2018): a fast 64-bit generator with 256 bits of state, seeded by
/// expanding a 64-bit seed with <see cref="SplitMix64"/>. A mutable struct: pass it by <c>ref</c>.
/// <see cref="ForStream"/> derives a generator per (seed, stream), so that document i of a dataset is a
/// pure function of (seed, i) however the work is split.
/// </summary>
internal struct Xoshiro256StarStar
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Seeds the state with four successive <see cref="SplitMix64"/> outputs from <paramref name="seed"/>.</summary>
    public Xoshiro256StarStar(ulong seed)
    {
        var state = seed;
        _s0 = SplitMix64.Next(ref state);
        _s1 = SplitMix64.Next(ref state);
        _s2 = SplitMix64.Next(ref state);
        _s3 = SplitMix64.Next(ref state);
    }

    private Xoshiro256StarStar(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        _s0 = s0;
        _s1 = s1;
        _s2 = s2;
        _s3 = s3;
    }

    /// <summary>
    /// The generator of stream <paramref name="stream"/> under <paramref name="seed"/>: SplitMix64 expansion of
    /// the key Mix(Mix(seed) xor stream). For a fixed seed the key is a bijection of the stream number, so
    /// distinct streams start from distinct SplitMix64 counters (overlapping state words would need two keys
    /// within three increments of each other: probability about 6 in 2^64 per pair).
    /// </summary>
    public static Xoshiro256StarStar ForStream(ulong seed, ulong stream) =>
        new(SplitMix64.Mix(SplitMix64.Mix(seed) ^ stream));

    /// <summary>A generator with the given raw state (not all zero); for the published test vectors.</summary>
    internal static Xoshiro256StarStar FromState(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        if ((s0 | s1 | s2 | s3) == 0)
        {
            throw new ArgumentException("The xoshiro256** state must not be all zero.");
        }

        return new Xoshiro256StarStar(s0, s1, s2, s3);
    }

    /// <summary>The next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A double in [0, 1) from the top 53 bits of <see cref="NextUInt64"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);
}
