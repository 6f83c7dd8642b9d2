namespace PcfgLab.Base;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014; Vigna's public-domain C version): a 64-bit counter advanced by the
/// golden-ratio increment and passed through a bijective mixer. Used to expand one 64-bit seed into the
/// 256-bit state of the samplers' <c>Sampling.Xoshiro256StarStar</c>, as the xoshiro authors recommend.
/// </summary>
public static class SplitMix64
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
