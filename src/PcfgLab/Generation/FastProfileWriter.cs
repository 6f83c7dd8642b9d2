using System.Diagnostics;
using PcfgLab.Compression;
using PcfgLab.Sampling;
using PcfgLab.Storage;

namespace PcfgLab.Generation;

/// <summary>
/// Writes the fast profile's shards with the <see cref="ShardPipeline"/>, and measures the gzip sample and the loss
/// floor beside it.
/// </summary>
internal static class FastProfileWriter
{
    /// <summary>
    /// Writes the plan's shards into <paramref name="folder"/> under temporary names; <paramref name="writers"/>
    /// receives every writer opened (closed, not committed, in shard order), also when this throws.
    /// </summary>
    public static async Task<ProfileResult> WriteAsync(
        GenerationPlan plan,
        GenerationOptions options,
        string folder,
        ShardFooter footer,
        List<ParquetDatasetWriter> writers,
        IProgress<double>? progress,
        CancellationToken cancellationToken)
    {
        var layout = plan.Layout;
        var watch = Stopwatch.StartNew();

        // The gzip sample and the loss floor depend on the grammar and the seed, not on the files: they run on
        // threads of their own beside the writers and fill the cores the pipeline leaves idle while it starts
        // and drains (their numbers do not depend on it: both are the same for any thread count).
        using var side = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampler = new DocumentSampler(plan.Compiled, options.Seed.ForStreams, options.DocumentLength);
        var gzipTask = Task.Factory.StartNew(
            () => GzipSample.MeasureRegenerated(sampler, layout.Documents, options.GzipDocuments, options.GzipSeed, options.Deflate, options.Threads),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var floorTask = Task.Factory.StartNew(
            () => MeasureFloor(plan.Compiled, options, side.Token),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var pipeline = new ShardPipeline(
            plan.Compiled, options.Seed.ForStreams, layout, plan.Shards, options.Threads, options.Compression,
            shard => Path.Combine(folder, ParquetDatasetWriter.ShardFileName(shard, layout.ShardCount)),
            footer.For, progress);
        try
        {
            await pipeline.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Nothing runs on after a failure or a cancellation: stop the side work and wait for it.
            await side.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(gzipTask, floorTask).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
        finally
        {
            writers.AddRange(pipeline.Writers);
        }

        GzipStatistics gzip;
        try
        {
            gzip = await gzipTask.ConfigureAwait(false);
        }
        catch
        {
            await side.CancelAsync().ConfigureAwait(false);
            await ((Task)floorTask).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        watch.Stop();
        var floor = await floorTask.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return new ProfileResult(gzip, floor, watch.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The loss floor of the fast profile's documents (the reference profile's packing and its terminal 0, which is
    /// also the separator, are another distribution: no floor is recorded for it).
    /// </summary>
    private static FloorEntry? MeasureFloor(CompiledGrammar compiled, GenerationOptions options, CancellationToken cancellationToken)
    {
        if (options.FloorDocuments == 0 || options.Profile == GenerationProfile.Reference || options.DocumentLength < 2)
        {
            return null;
        }

        var watch = Stopwatch.StartNew();
        PcfgLab.Floor.FloorSummary summary;
        try
        {
            summary = PcfgLab.Floor.FloorAnalysis.Analyze(
                compiled, options.Seed.ForStreams, options.DocumentLength, options.FloorDocuments, options.FloorSentences, options.Threads, cancellationToken);
        }
        catch (UserInputException)
        {
            // A grammar file whose floor is not defined (an empty right-hand side, token 0 as a word, critical after
            // conditioning) still makes a dataset; its manifest has no floor, and 'pcfglab floor' says why.
            return null;
        }

        return FloorEntry.From(summary, watch.Elapsed.TotalSeconds);
    }
}
