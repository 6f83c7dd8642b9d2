using System.Diagnostics;
using PcfgLab.Compression;
using PcfgLab.Grammars;
using PcfgLab.Sampling;
using PcfgLab.Storage;

namespace PcfgLab.Generation;

/// <summary>
/// Writes the reference profile's shards: the reference's documents in its one sequence, on one thread, measuring
/// the gzip sample on the documents as they are written. No loss floor is recorded for this profile.
/// </summary>
internal static class ReferenceProfileWriter
{
    /// <summary>
    /// Writes every shard into <paramref name="folder"/> under temporary names; <paramref name="writers"/>
    /// receives every writer opened (closed, not committed, in shard order), also when this throws.
    /// </summary>
    public static async Task<ProfileResult> WriteAsync(
        GrammarSpec spec,
        GenerationOptions options,
        DatasetLayout layout,
        string folder,
        ShardFooter footer,
        List<ParquetDatasetWriter> writers,
        IProgress<double>? progress,
        CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var sampler = new ReferenceSampler(spec, options.Seed);
        var sample = GzipSample.ChooseDocuments(layout.Documents, options.GzipDocuments, options.GzipSeed);
        var measure = new GzipCompressibility(GzipCompressibility.StudyLevel, options.Deflate);
        var ratios = new double[sample.Length];
        var nextSample = 0;
        var tokens = new int[layout.RowGroupDocuments * layout.DocumentLength];
        var lengths = new int[layout.RowGroupDocuments];
        using var documents = sampler.Documents(layout.Documents * (long)ReferenceSampler.TokensPerDocument).GetEnumerator();
        var index = 0L;
        for (var shard = 0; shard < layout.ShardCount; shard++)
        {
            var path = Path.Combine(folder, ParquetDatasetWriter.ShardFileName(shard, layout.ShardCount));
            var writer = await ParquetDatasetWriter.CreateAsync(path, options.Compression, footer.For(shard), cancellationToken).ConfigureAwait(false);
            writers.Add(writer);
            var remaining = layout.ShardDocuments(shard);
            while (remaining > 0)
            {
                var count = (int)Math.Min(remaining, layout.RowGroupDocuments);
                var used = 0;
                for (var d = 0; d < count; d++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!documents.MoveNext())
                    {
                        throw new InvalidOperationException("The reference sampler ended before the dataset's document count.");
                    }

                    var document = documents.Current;
                    document.CopyTo(tokens, used);
                    lengths[d] = document.Length;
                    used += document.Length;
                    if (nextSample < sample.Length && sample[nextSample] == index)
                    {
                        ratios[nextSample++] = measure.Ratio(document);
                    }

                    index++;
                }

                await writer.WriteRowGroupAsync(tokens.AsMemory(0, used), lengths.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
                progress?.Report(used);
                remaining -= count;
            }

            await writer.CloseAsync().ConfigureAwait(false);
        }

        var gzip = new GzipStatistics(SummaryStatistics.Of(ratios), options.GzipSeed, layout.Documents, "written", options.Deflate);
        watch.Stop();
        cancellationToken.ThrowIfCancellationRequested();
        return new ProfileResult(gzip, null, watch.Elapsed.TotalSeconds);
    }
}
