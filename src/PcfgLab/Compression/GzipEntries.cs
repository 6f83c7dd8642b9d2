using PcfgLab.Storage;

namespace PcfgLab.Compression;

/// <summary>The manifest's record of a gzip measurement (<see cref="GzipEntry"/>, a Storage type).</summary>
public static class GzipEntries
{
    /// <summary>The entry of a measurement.</summary>
    public static GzipEntry ToEntry(this GzipStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var s = statistics.Summary;
        return new GzipEntry(s.Median, s.StandardDeviation, s.Mean, s.P05, s.P95, s.Count, statistics.SampleSeed, statistics.Source, statistics.Deflate.Name());
    }
}
