namespace PcfgLab.Scaling;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014) seeded by a (seed, stream) pair: one independent stream per bootstrap
/// resample, so results do not depend on which thread fits which resample. Same mixing as <see cref="Bootstrap"/>'s.
/// </summary>
internal struct SeededStream(ulong seed, ulong stream)
{
    private ulong _state = seed ^ ((stream + 1) * 0xD1342543DE82EF95UL);

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform index in [0, count) (Lemire's multiply-shift, no modulo bias worth noting for small counts).</summary>
    public int NextIndex(int count) => (int)(((UInt128)Next() * (ulong)count) >> 64);

    /// <summary>A uniform double in [0, 1) from the top 53 bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));
}
