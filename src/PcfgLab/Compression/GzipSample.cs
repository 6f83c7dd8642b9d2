using PcfgLab.Sampling;
using PcfgLab.Storage;

namespace PcfgLab.Compression;

/// <summary>
/// The study's gzip statistics of a dataset, made reproducible: a uniform sample of documents without replacement,
/// drawn from a seed (the reference never seeds its <c>random.sample</c>), each measured with
/// <see cref="GzipCompressibility"/> at level 9, summarised by <see cref="SummaryStatistics"/>.
/// </summary>
/// <param name="Summary">Median, standard deviation, mean, percentiles of the per-document ratios.</param>
/// <param name="SampleSeed">Seed of the document sample.</param>
/// <param name="Population">Documents in the dataset.</param>
/// <param name="Source">What was measured: <c>regenerated</c> (documents sampled again by index), <c>written</c>
/// (measured while writing) or <c>parquet</c> (read back from the files).</param>
/// <param name="Deflate">The deflate implementation that made the sizes.</param>
public sealed record GzipStatistics(SummaryStatistics Summary, ulong SampleSeed, long Population, string Source, DeflateImplementation Deflate = DeflateImplementation.ZlibNg);

/// <summary>Chooses the documents of a gzip sample and measures them.</summary>
public static class GzipSample
{
    /// <summary>The study's sample size.</summary>
    public const int DefaultDocuments = 1000;

    /// <summary>Default seed of the document sample.</summary>
    public const ulong DefaultSeed = 0;

    /// <summary>
    /// <paramref name="count"/> distinct document indices in [0, population), uniform without replacement, ascending
    /// (Floyd's algorithm over a xoshiro256** stream; every population gets the same draws for a seed, so a dataset
    /// and a copy of it read back give the same sample). All indices when count &gt;= population.
    /// </summary>
    public static long[] ChooseDocuments(long population, int count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(population);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (count >= population)
        {
            var all = new long[population];
            for (var i = 0L; i < population; i++)
            {
                all[i] = i;
            }

            return all;
        }

        var rng = new Xoshiro256StarStar(seed);
        var chosen = new HashSet<long>(count);
        for (var j = population - count; j < population; j++)
        {
            var t = (long)UniformBelow(ref rng, (ulong)j + 1);
            if (!chosen.Add(t))
            {
                chosen.Add(j);
            }
        }

        var result = new long[count];
        chosen.CopyTo(result);
        Array.Sort(result);
        return result;
    }

    /// <summary>Summarises the ratios of the given documents, measured with <paramref name="deflate"/>.</summary>
    public static GzipStatistics Summarise(IReadOnlyList<int[]> documents, ulong seed, long population, string source, DeflateImplementation deflate = DeflateImplementation.ZlibNg)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Count == 0)
        {
            throw new UserInputException("The dataset has no documents to measure.");
        }

        return new GzipStatistics(SummaryStatistics.Of(Ratios(documents, deflate)), seed, population, source, deflate);
    }

    /// <summary>The study's gzip ratio (level 9) of each document, measured with <paramref name="deflate"/>.</summary>
    public static double[] Ratios(IReadOnlyList<int[]> documents, DeflateImplementation deflate = DeflateImplementation.ZlibNg)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var measure = new GzipCompressibility(GzipCompressibility.StudyLevel, deflate);
        var ratios = new double[documents.Count];
        for (var i = 0; i < ratios.Length; i++)
        {
            ratios[i] = measure.Ratio(documents[i]);
        }

        return ratios;
    }

    /// <summary>
    /// The per-document ratios of the same seeded sample <see cref="MeasureParquetAsync"/> summarises (for histograms);
    /// empty when the files hold no documents.
    /// </summary>
    public static async Task<double[]> SampleRatiosAsync(ParquetDatasetReader reader, int count, ulong seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var population = await reader.CountDocumentsAsync(cancellationToken).ConfigureAwait(false);
        if (population == 0)
        {
            return [];
        }

        var documents = await reader.ReadDocumentsAtAsync(ChooseDocuments(population, count, seed), cancellationToken).ConfigureAwait(false);
        return Ratios(documents);
    }

    /// <summary>Measures a sample of fast-profile documents by sampling them again from their indices.</summary>
    public static GzipStatistics MeasureRegenerated(DocumentSampler sampler, long population, int count, ulong seed, DeflateImplementation deflate = DeflateImplementation.ZlibNg) =>
        MeasureRegenerated(sampler, population, count, seed, deflate, threads: 1);

    /// <summary>
    /// <see cref="MeasureRegenerated(DocumentSampler, long, int, ulong, DeflateImplementation)"/> on
    /// <paramref name="threads"/> threads: each measures a contiguous slice of the sample with its own sampler and
    /// deflate stream, and the ratios land by index, so the statistics do not depend on the thread count. (Level-9
    /// deflate of 1,000 documents is about 0.1 s, a tenth of generating 100M tokens on two cores.)
    /// </summary>
    public static GzipStatistics MeasureRegenerated(DocumentSampler sampler, long population, int count, ulong seed, DeflateImplementation deflate, int threads)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var indices = ChooseDocuments(population, count, seed);
        if (indices.Length == 0)
        {
            throw new UserInputException("The dataset has no documents to measure.");
        }

        var ratios = new double[indices.Length];
        var slices = Math.Min(threads, indices.Length);

        // Made here, not on the workers: a deflate that cannot load is a one-line error, not an AggregateException.
        var measures = new GzipCompressibility[slices];
        for (var slice = 0; slice < slices; slice++)
        {
            measures[slice] = new GzipCompressibility(GzipCompressibility.StudyLevel, deflate);
        }

        Parallel.For(0, slices, new ParallelOptions { MaxDegreeOfParallelism = slices }, slice =>
        {
            var own = slice == 0 ? sampler : new DocumentSampler(sampler.Grammar, sampler.Seed, sampler.DocumentLength);
            var document = new int[own.DocumentLength];
            var end = (int)((long)indices.Length * (slice + 1) / slices);
            for (var i = (int)((long)indices.Length * slice / slices); i < end; i++)
            {
                own.SampleDocument(indices[i], document);
                ratios[i] = measures[slice].Ratio(document);
            }
        });

        return new GzipStatistics(SummaryStatistics.Of(ratios), seed, population, "regenerated", deflate);
    }

    /// <summary>Measures a sample of the documents of Parquet files (any dataset this tool wrote, or others).</summary>
    public static async Task<GzipStatistics> MeasureParquetAsync(ParquetDatasetReader reader, int count, ulong seed, CancellationToken cancellationToken = default, DeflateImplementation deflate = DeflateImplementation.ZlibNg)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var population = await reader.CountDocumentsAsync(cancellationToken).ConfigureAwait(false);
        if (population == 0)
        {
            throw new UserInputException($"'{reader.Source}' holds no documents.");
        }

        var indices = ChooseDocuments(population, count, seed);
        var documents = await reader.ReadDocumentsAtAsync(indices, cancellationToken).ConfigureAwait(false);
        return Summarise(documents, seed, population, "parquet", deflate);
    }

    // Lemire's nearly divisionless bounded integer, rejection makes it exactly uniform.
    private static ulong UniformBelow(ref Xoshiro256StarStar rng, ulong bound)
    {
        var product = Math.BigMul(rng.NextUInt64(), bound, out var low);
        if (low < bound)
        {
            var threshold = (0 - bound) % bound;
            while (low < threshold)
            {
                product = Math.BigMul(rng.NextUInt64(), bound, out low);
            }
        }

        return product;
    }
}
