namespace PcfgLab.Tests.Compression.Compressors;

/// <summary>Test documents for the compressor tests.</summary>
internal static class CompressorOutput
{
    /// <summary>A document of <paramref name="count"/> copies of one token, and one of uniformly random tokens.</summary>
    public static (int[] Constant, int[] Random) ConstantAndRandomTokens(int count, int seed)
    {
        var constant = new int[count];
        Array.Fill(constant, 42);
        var random = new int[count];
        var rng = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            random[i] = rng.Next();
        }

        return (constant, random);
    }
}
