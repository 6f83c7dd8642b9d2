using System.Reflection;

namespace PcfgLab.Tests.Compression.Compressors;

/// <summary>
/// Reads the bytes a compressor actually wrote into its private output buffer, so that round-trip tests
/// decompress the class's own output rather than a second compression made by the test.
/// </summary>
internal static class CompressorOutput
{
    public static byte[] Buffer(object owner, string fieldName)
    {
        var field = owner.GetType().GetField(fieldName, BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException($"{owner.GetType().Name} has no field {fieldName}.");
        return field.GetValue(owner) switch
        {
            byte[] bytes => bytes,
            MemoryStream stream => stream.ToArray(),
            var other => throw new InvalidOperationException($"{fieldName} is a {other?.GetType().Name ?? "null"}."),
        };
    }

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
