using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PcfgLab.Compression;
using PcfgLab.Grammars;
using PcfgLab.Sampling;
using PcfgLab.Storage;
using PcfgLab.Sweeps;

namespace PcfgLab.Generation;

/// <summary>How documents are sampled.</summary>
public enum GenerationProfile
{
    /// <summary>Renormalised grammar, document d a pure function of (grammar, seed, d), parallel.</summary>
    Fast,

    /// <summary>The study's reference code bit for bit: sequential, single-threaded, 255- or 256-token documents.</summary>
    Reference,
}

/// <summary>The grammar of a dataset and where it came from.</summary>
/// <param name="Grammar">The grammar (for the reference profile, the reference's own, terminal ids from 0).</param>
/// <param name="Spec">The random spec that made it, or null for a grammar file.</param>
/// <param name="Preset">The preset's name, when it came from one.</param>
/// <param name="Source"><c>spec</c>, <c>preset</c>, or the grammar file's path.</param>
public sealed record DatasetGrammar(Grammar Grammar, GrammarSpec? Spec, string? Preset, string Source)
{
    /// <summary>What the grammar is, in words, for a person: the file's path, or the preset or spec and its seed.</summary>
    public string Description
    {
        get => field ?? Spec?.ToString() ?? Source;
        init;
    }
}

/// <summary>What to generate and where.</summary>
public sealed record GenerationOptions
{
    /// <summary>The dataset folder (created when missing).</summary>
    public required string OutputFolder { get; init; }

    /// <summary>Tokens wanted: the dataset holds ceil(tokens / document length) documents.</summary>
    public required long Tokens { get; init; }

    /// <summary>Seed of the documents (and of the grammar, for a spec).</summary>
    public long Seed { get; init; }

    /// <summary>Tokens per document.</summary>
    public int DocumentLength { get; init; } = DocumentSampler.DefaultDocumentLength;

    /// <summary>Fast or reference sampling.</summary>
    public GenerationProfile Profile { get; init; } = GenerationProfile.Fast;

    /// <summary>Parquet page codec.</summary>
    public ParquetCompression Compression { get; init; } = ParquetCompression.Default;

    /// <summary>Shard files of the whole dataset, or null for the default from the token count.</summary>
    public int? ShardCount { get; init; }

    /// <summary>Write only this shard of <see cref="ShardCount"/> (a split run), or null for all.</summary>
    public int? ShardIndex { get; init; }

    /// <summary>Documents per row group, or 0 for the default.</summary>
    public int RowGroupDocuments { get; init; }

    /// <summary>Worker threads (the files do not depend on it).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Documents in the gzip sample.</summary>
    public int GzipDocuments { get; init; } = GzipSample.DefaultDocuments;

    /// <summary>Seed of the gzip sample.</summary>
    public ulong GzipSeed { get; init; } = GzipSample.DefaultSeed;

    /// <summary>Documents of the loss floor recorded in the manifest, or 0 to skip it (see <see cref="PcfgLab.Floor.FloorAnalysis"/>).</summary>
    public int FloorDocuments { get; init; } = PcfgLab.Floor.LossFloor.DefaultDocuments;

    /// <summary>Sentences of the entropy-rate estimate recorded with the floor.</summary>
    public int FloorSentences { get; init; } = PcfgLab.Floor.EntropyRate.DefaultSentences;

    /// <summary>Deflate implementation of the gzip sample (recorded in the manifest).</summary>
    public DeflateImplementation Deflate { get; init; } = DeflateImplementation.ZlibNg;

    /// <summary>Replace a dataset already in the folder.</summary>
    public bool Force { get; init; }

    /// <summary>The command's parameters, recorded in the manifest.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>The compressibility dial's search that chose the grammar, recorded in the manifest; null otherwise.</summary>
    public DialEntry? Dial { get; init; }

    /// <summary>Who is writing, quoted to a second run that finds the folder locked (the command line adds its process id).</summary>
    public string Owner { get; init; } = "pcfglab generate";

    /// <summary>Told about the temporary files of earlier, killed runs removed from the folder (paths and total bytes); may be null.</summary>
    public Action<IReadOnlyList<string>, long>? StaleFilesRemoved { get; init; }
}

/// <summary>
/// Generates a dataset: shard files of documents, a copy of the grammar, gzip statistics and the manifest.
/// Everything is written under temporary names and renamed at the end; a failure or a cancellation deletes what
/// was written and leaves the folder as it was.
/// </summary>
public static class DatasetGenerator
{
    /// <summary>Generates the dataset and returns its manifest (also saved in the folder).</summary>
    public static async Task<DatasetManifest> GenerateAsync(
        DatasetGrammar grammar,
        GenerationOptions options,
        IProgress<double>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var (layout, compiled) = Plan(grammar, options);
        var analysis = GrammarAnalysis.Analyze(grammar.Grammar);
        var grammarText = GrammarText(grammar.Grammar);
        var grammarHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(grammarText)));

        // Held until the manifest is written: a second writer into the same folder fails at once instead of mixing
        // its shards with ours. Taking it removes the temporary files of killed runs.
        using var folderLock = OutputFolderLock.Acquire(
            options.OutputFolder,
            options.Owner,
            options.ShardIndex is int part ? Path.GetFileNameWithoutExtension(ParquetDatasetWriter.ShardFileName(part, layout.ShardCount)) : null);
        if (folderLock.RemovedTemporaryFiles.Count > 0)
        {
            options.StaleFilesRemoved?.Invoke(folderLock.RemovedTemporaryFiles, folderLock.RemovedTemporaryBytes);
        }

        var folder = PrepareFolder(options, layout, folderLock.Folder);

        int[] shards = options.ShardIndex is int only ? [only] : [.. Enumerable.Range(0, layout.ShardCount)];
        var footerBase = new FooterFacts(options, grammar, grammarHash, layout);
        var watch = Stopwatch.StartNew();
        var writers = new List<ParquetDatasetWriter>();
        GzipStatistics gzip;
        FloorEntry? floor;
        try
        {
            if (options.Profile == GenerationProfile.Fast)
            {
                // The gzip sample and the loss floor depend on the grammar and the seed, not on the files: they run on
                // threads of their own beside the writers and fill the cores the pipeline leaves idle while it starts
                // and drains (their numbers do not depend on it: both are the same for any thread count).
                using var side = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var sampler = new DocumentSampler(compiled, unchecked((ulong)options.Seed), options.DocumentLength);
                var gzipTask = Task.Factory.StartNew(
                    () => GzipSample.MeasureRegenerated(sampler, layout.Documents, options.GzipDocuments, options.GzipSeed, options.Deflate, options.Threads),
                    CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                var floorTask = Task.Factory.StartNew(
                    () => MeasureFloor(compiled, options, side.Token),
                    CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                var pipeline = new ShardPipeline(
                    compiled, unchecked((ulong)options.Seed), layout, shards, options.Threads, options.Compression,
                    shard => Path.Combine(folder, ParquetDatasetWriter.ShardFileName(shard, layout.ShardCount)),
                    footerBase.For, progress);
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
                floor = await floorTask.ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
            else
            {
                gzip = await WriteReferenceAsync(grammar.Spec!, options, layout, folder, footerBase, writers, progress, cancellationToken).ConfigureAwait(false);
                watch.Stop();
                cancellationToken.ThrowIfCancellationRequested();

                // The reference profile records no floor (see MeasureFloor).
                floor = null;
            }

            // Commit: shards first, then the grammar, the manifest last (its presence marks a complete dataset).
            RemoveStaleFiles(folder, options, layout);
            foreach (var writer in writers)
            {
                writer.Commit();
            }
        }
        finally
        {
            foreach (var writer in writers)
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
        }

        AtomicFile.WriteAllText(Path.Combine(folder, DatasetManifest.GrammarFileName), grammarText);
        // The writers are in shard order, one per shard written.
        var entries = new List<ShardEntry>();
        for (var k = 0; k < writers.Count; k++)
        {
            var writer = writers[k];
            entries.Add(new ShardEntry(Path.GetFileName(writer.FinalPath), shards[k], layout.ShardStart(shards[k]), writer.DocumentCount, writer.TokenCount, writer.ByteCount));
        }

        var documents = entries.Sum(e => e.Documents);
        var tokens = entries.Sum(e => e.Tokens);
        var seconds = watch.Elapsed.TotalSeconds;
        var manifest = new DatasetManifest
        {
            CreatedAt = DateTimeOffset.UtcNow,
            Parameters = options.Parameters,
            Spec = grammar.Spec?.ToString(),
            Preset = grammar.Preset,
            GrammarSource = grammar.Source,
            GrammarSha256 = grammarHash,
            Seed = options.Seed,
            Profile = ProfileName(options.Profile),
            DocumentLength = options.DocumentLength,
            Documents = documents,
            Tokens = tokens,
            MaxTokenId = writers.Count == 0 ? null : writers.Max(w => w.MaxTokenId),
            DatasetDocuments = layout.Documents,
            Compression = options.Compression.ToString(),
            RowGroupDocuments = layout.RowGroupDocuments,
            ShardCount = layout.ShardCount,
            Shards = entries,
            StartTerminationProbability = analysis.StartTerminationProbability,
            SpectralRadius = analysis.SpectralRadius,
            Gzip = gzip.ToEntry(),
            Floor = floor,
            Dial = options.Dial,
            Threads = options.Profile == GenerationProfile.Reference ? 1 : options.Threads,
            GenerationSeconds = seconds,
            TokensPerSecond = seconds > 0 ? tokens / seconds : 0,
            ShardIndex = options.ShardIndex,
        };
        var manifestName = options.ShardIndex is int i
            ? DatasetManifest.ShardManifestFileName(i, layout.ShardCount)
            : DatasetManifest.FileName;
        manifest.Save(Path.Combine(folder, manifestName));
        return manifest;
    }

    /// <summary>
    /// Checks everything that can be wrong with the request before any file exists (sizes, shards, codec, profile,
    /// q_S = 0) and returns the layout; throws <see cref="UserInputException"/> with a one-line message.
    /// </summary>
    public static DatasetLayout Validate(DatasetGrammar grammar, GenerationOptions options) => Plan(grammar, options).Layout;

    private static (DatasetLayout Layout, CompiledGrammar Compiled) Plan(DatasetGrammar grammar, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptions(grammar, options);
        var layout = DatasetLayout.For(options.Tokens, options.DocumentLength, options.ShardCount, options.RowGroupDocuments);
        if (options.ShardIndex is int index && (index < 0 || index >= layout.ShardCount))
        {
            throw new UserInputException($"--shard {index}/{layout.ShardCount} is out of range: the index runs from 0 to {layout.ShardCount - 1}.");
        }

        // q_S = 0 (no finite sentence) is refused here, before any file exists.
        return (layout, CompiledGrammar.Renormalised(grammar.Grammar));
    }

    /// <summary>
    /// The worker threads worth starting: at most <paramref name="processors"/>, because the work is CPU-bound and
    /// extra workers only wait for a core (and hold a row-group buffer each). Values below 1 are returned as they
    /// are, for <see cref="Validate"/> to refuse.
    /// </summary>
    /// <param name="requested">The thread count asked for.</param>
    /// <param name="processors">Processors available to this process.</param>
    public static int UsefulThreads(int requested, int processors) =>
        requested < 1 ? requested : Math.Min(requested, Math.Max(1, processors));

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
                compiled, unchecked((ulong)options.Seed), options.DocumentLength, options.FloorDocuments, options.FloorSentences, options.Threads, cancellationToken);
        }
        catch (UserInputException)
        {
            // A grammar file whose floor is not defined (an empty right-hand side, token 0 as a word, critical after
            // conditioning) still makes a dataset; its manifest has no floor, and 'pcfglab floor' says why.
            return null;
        }

        return FloorEntry.From(summary, watch.Elapsed.TotalSeconds);
    }

    /// <summary>The manifest's profile name.</summary>
    public static string ProfileName(GenerationProfile profile) => profile == GenerationProfile.Reference ? "reference" : "fast";

    /// <summary>The grammar in NLTK text form, as copied into the dataset folder.</summary>
    internal static string GrammarText(Grammar grammar)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        NltkGrammarFormat.Write(grammar, writer);
        return writer.ToString();
    }

    private static void ValidateOptions(DatasetGrammar grammar, GenerationOptions options)
    {
        if (options.Threads < 1)
        {
            throw new UserInputException($"--threads must be positive, got {options.Threads}.");
        }

        if (options.GzipDocuments < 1)
        {
            throw new UserInputException($"--gzip-docs must be positive, got {options.GzipDocuments}.");
        }

        if (options.FloorDocuments < 0)
        {
            throw new UserInputException($"--floor-docs must be zero or positive, got {options.FloorDocuments}.");
        }

        if (options.FloorDocuments > 0 && options.FloorSentences < 2)
        {
            throw new UserInputException($"--floor-sentences must be at least 2, got {options.FloorSentences}.");
        }

        if (options.Seed < 0)
        {
            throw new UserInputException($"--seed must be zero or positive, got {options.Seed}.");
        }

        options.Compression.Validate();
        if (options.Profile == GenerationProfile.Reference)
        {
            if (grammar.Spec is null)
            {
                throw new UserInputException("--compat reference needs a grammar spec or a preset: the reference builds its grammar from the seed, so a grammar file cannot be used.");
            }

            if (options.DocumentLength != ReferenceSampler.TokensPerDocument)
            {
                throw new UserInputException($"--compat reference makes documents of {ReferenceSampler.TokensPerDocument} tokens: drop --doc-len or set it to {ReferenceSampler.TokensPerDocument}.");
            }

            if (options.ShardIndex is not null)
            {
                throw new UserInputException("--shard cannot be used with --compat reference: the reference samples documents in one sequence; write all shards in one run.");
            }
        }
    }

    private static string PrepareFolder(GenerationOptions options, DatasetLayout layout, string folder)
    {
        // The folder exists and is writable: the lock and its owner file were written there.
        if (options.Force)
        {
            return folder;
        }

        if (options.ShardIndex is int index)
        {
            string[] mine =
            [
                DatasetManifest.FileName,
                ParquetDatasetWriter.ShardFileName(index, layout.ShardCount),
                DatasetManifest.ShardManifestFileName(index, layout.ShardCount),
            ];
            foreach (var name in mine)
            {
                if (File.Exists(Path.Combine(folder, name)))
                {
                    throw new UserInputException($"'{options.OutputFolder}' already holds {name}: add --force to replace it, or choose another --out.");
                }
            }
        }
        else if (File.Exists(Path.Combine(folder, DatasetManifest.FileName)) || Directory.GetFiles(folder, "train-*.parquet").Length > 0)
        {
            throw new UserInputException($"'{options.OutputFolder}' already holds a dataset: add --force to replace it, or choose another --out.");
        }

        return folder;
    }

    private static void RemoveStaleFiles(string folder, GenerationOptions options, DatasetLayout layout)
    {
        if (!options.Force || options.ShardIndex is not null)
        {
            return;
        }

        // A forced whole run replaces the dataset: shards of another split and per-shard manifests go.
        var keep = new HashSet<string>(StringComparer.Ordinal);
        for (var s = 0; s < layout.ShardCount; s++)
        {
            keep.Add(ParquetDatasetWriter.ShardFileName(s, layout.ShardCount));
        }

        foreach (var file in Directory.GetFiles(folder, "train-*.parquet"))
        {
            if (!keep.Contains(Path.GetFileName(file)))
            {
                File.Delete(file);
            }
        }

        foreach (var file in Directory.GetFiles(folder, "dataset.train-*.json"))
        {
            File.Delete(file);
        }
    }

    private static async Task<GzipStatistics> WriteReferenceAsync(
        GrammarSpec spec,
        GenerationOptions options,
        DatasetLayout layout,
        string folder,
        FooterFacts footer,
        List<ParquetDatasetWriter> writers,
        IProgress<double>? progress,
        CancellationToken cancellationToken)
    {
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

        return new GzipStatistics(SummaryStatistics.Of(ratios), options.GzipSeed, layout.Documents, "written", options.Deflate);
    }

    /// <summary>The <c>pcfglab</c> footer of each shard: what made the file and which documents it holds.</summary>
    private sealed class FooterFacts(GenerationOptions options, DatasetGrammar grammar, string grammarHash, DatasetLayout layout)
    {
        public IReadOnlyDictionary<string, string> For(int shard)
        {
            using var stream = new MemoryStream();
            using (var json = new Utf8JsonWriter(stream))
            {
                json.WriteStartObject();
                json.WriteString("tool", ToolInfo.Name);
                json.WriteString("version", ToolInfo.Version);
                json.WriteString("spec", grammar.Spec?.ToString());
                if (grammar.Preset is not null)
                {
                    json.WriteString("preset", grammar.Preset);
                }

                json.WriteNumber("seed", options.Seed);
                json.WriteString("profile", ProfileName(options.Profile));
                json.WriteNumber("documentLength", options.DocumentLength);
                json.WriteString("grammarSource", grammar.Source);
                json.WriteString("grammarSha256", grammarHash);
                json.WriteNumber("shardIndex", shard);
                json.WriteNumber("shardCount", layout.ShardCount);
                json.WriteNumber("firstDocument", layout.ShardStart(shard));
                json.WriteNumber("documents", layout.ShardDocuments(shard));
                json.WriteNumber("datasetDocuments", layout.Documents);
                json.WriteEndObject();
            }

            return new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [ParquetDatasetWriter.ToolKey] = Encoding.UTF8.GetString(stream.ToArray()),
            };
        }
    }
}
