using PcfgLab.Compression;
using PcfgLab.Storage;

namespace PcfgLab.Generation;

/// <summary>What a profile's writer measured besides the shard files.</summary>
/// <param name="Gzip">The gzip sample's statistics.</param>
/// <param name="Floor">The loss floor, or null when none is recorded.</param>
/// <param name="Seconds">Seconds the shards (and the gzip sample) took: the manifest's generation time.</param>
internal sealed record ProfileResult(GzipStatistics Gzip, FloorEntry? Floor, double Seconds);
