using System.Globalization;
using PcfgLab.Sampling;
using PcfgLab.Storage;

namespace PcfgLab.Generation;

/// <summary>
/// Refuses a generation whose shards cannot fit in the free space of the output folder's file system, before any
/// document is written: <c>--tokens 1e15</c> would otherwise run for days and stop at a full disk.
/// </summary>
internal static class FreeSpaceCheck
{
    /// <summary>Bytes per token no Parquet page can beat uncompressed: the int32 value plus its levels.</summary>
    internal const double UncompressedBytesPerToken = 4.25;

    /// <summary>Documents encoded to measure the codec's bytes per token when the uncompressed size would not fit.</summary>
    internal const int SampleDocuments = 32;

    /// <summary>
    /// Checks the shards <paramref name="plan"/> writes against <paramref name="freeBytes"/> (the folder's file
    /// system when null). The estimate is conservative (an underestimate): when even the uncompressed size fits, nothing
    /// is measured; otherwise the dataset's first documents are encoded with its codec and half of their bytes per token
    /// is taken, so only a request clearly too large is refused.
    /// </summary>
    /// <exception cref="UserInputException">The estimate exceeds the free space.</exception>
    public static void Ensure(GenerationPlan plan, GenerationOptions options, string folder, long? freeBytes = null)
    {
        if (options.IgnoreFreeSpace)
        {
            return;
        }

        var documents = 0L;
        foreach (var shard in plan.Shards)
        {
            documents += plan.Layout.ShardDocuments(shard);
        }

        var tokens = (double)documents * plan.Layout.DocumentLength;
        var free = freeBytes ?? FreeBytes(folder);
        if (free is not long available || tokens * UncompressedBytesPerToken <= available)
        {
            return;
        }

        var perToken = MeasuredBytesPerToken(plan, options) / 2;
        var needed = tokens * perToken;
        if (needed <= available)
        {
            return;
        }

        var rate = perToken.ToString("0.###", CultureInfo.InvariantCulture);
        var codec = options.Compression.Codec.ToString().ToLowerInvariant();
        throw UserInputException.ForParameters(
            $"{new Parameter("tokens")} {options.Tokens} needs about {Size(needed)} ({rate} bytes per token at the least with {codec}, half of what a sample of the dataset takes) but the file system of '{folder}' has {Size(available)} free: ask for fewer tokens or free space, or pass {new Parameter("IgnoreFreeSpace")} if the estimate is wrong.");
    }

    /// <summary>Free bytes of the file system that holds <paramref name="folder"/>, or null when it cannot be told.</summary>
    internal static long? FreeBytes(string folder)
    {
        try
        {
            // The folder may not exist yet: its nearest existing ancestor is on the same file system.
            var path = Path.GetFullPath(folder);
            while (!Directory.Exists(path) && Path.GetDirectoryName(path) is { } parent)
            {
                path = parent;
            }

            return new DriveInfo(path).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private static double MeasuredBytesPerToken(GenerationPlan plan, GenerationOptions options)
    {
        var length = plan.Layout.DocumentLength;
        var count = (int)Math.Min(SampleDocuments, plan.Layout.Documents);
        var tokens = new int[count * length];
        new DocumentSampler(plan.Compiled, options.Seed.ForStreams, length).SampleDocuments(0, count, tokens);
        using var encoder = new TokenColumnEncoder(options.Compression);
        using var stream = new MemoryStream();
        var chunk = encoder.WriteFixed(stream, tokens, length);
        return (double)chunk.CompressedBytes / tokens.Length;
    }

    private static string Size(double bytes) =>
        bytes switch
        {
            >= 1e12 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e12:0.#} TB"),
            >= 1e9 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.#} GB"),
            >= 1e6 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.#} MB"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{bytes:0} bytes"),
        };
}
