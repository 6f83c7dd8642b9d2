using System.Text.Json;
using System.Text.Json.Serialization;

namespace PcfgLab.Storage;

/// <summary>
/// <c>dataset.json</c>, written beside the shards: what made the dataset (tool, parameters, grammar, seed,
/// profile), what it holds (documents, tokens, shards) and what was measured (grammar analysis, gzip statistics,
/// speed). A run that writes one shard of a split (<c>--shard i/n</c>) writes a per-shard manifest instead
/// (<see cref="ShardManifestFileName"/>), and <see cref="Merge"/> joins them into the dataset's.
/// </summary>
public sealed record DatasetManifest
{
    /// <summary>File name of the dataset manifest.</summary>
    public const string FileName = "dataset.json";

    /// <summary>File name of the grammar copy written beside the shards.</summary>
    public const string GrammarFileName = "grammar.pcfg";

    /// <summary>The tool's name.</summary>
    public string Tool { get; init; } = ToolInfo.Name;

    /// <summary>The tool's version.</summary>
    public string ToolVersion { get; init; } = ToolInfo.Version;

    /// <summary>When the manifest was written (UTC, ISO 8601).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The command's parameters, as given or defaulted.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>The grammar spec, for example <c>(20,300,10,5)</c>, or null for a grammar file.</summary>
    public string? Spec { get; init; }

    /// <summary>The preset's name, when the grammar came from one.</summary>
    public string? Preset { get; init; }

    /// <summary>Where the grammar came from: <c>spec</c>, <c>preset</c> or the path of a grammar file.</summary>
    public string GrammarSource { get; init; } = string.Empty;

    /// <summary>SHA-256 (hex) of the grammar copy.</summary>
    public string GrammarSha256 { get; init; } = string.Empty;

    /// <summary>File name of the grammar copy.</summary>
    public string GrammarFile { get; init; } = GrammarFileName;

    /// <summary>The seed of the grammar (for a spec) and of the documents.</summary>
    public Seed Seed { get; init; }

    /// <summary><c>fast</c> or <c>reference</c>.</summary>
    public string Profile { get; init; } = "fast";

    /// <summary>Tokens per document (the reference profile's documents hold 255 or 256).</summary>
    public int DocumentLength { get; init; }

    /// <summary>Documents in the dataset (or in this shard, for a per-shard manifest).</summary>
    public long Documents { get; init; }

    /// <summary>Tokens in the dataset (or in this shard, for a per-shard manifest).</summary>
    public long Tokens { get; init; }

    /// <summary>
    /// The largest token id in the dataset's documents (or this shard's), read off the data as it was written: a model
    /// needs a vocabulary of at least this + 1. The fast profile numbers terminals 1..T with 0 the separator, so a
    /// grammar with T terminals may need T + 1; null in manifests written before it was recorded.
    /// </summary>
    public int? MaxTokenId { get; init; }

    /// <summary>Documents in the whole dataset (equal to <see cref="Documents"/> except in a per-shard manifest).</summary>
    public long DatasetDocuments { get; init; }

    /// <summary>Page codec and level, for example <c>snappy</c> or <c>zstd-3</c>.</summary>
    public string Compression { get; init; } = "snappy";

    /// <summary>Documents per row group.</summary>
    public int RowGroupDocuments { get; init; }

    /// <summary>Number of shard files of the whole dataset.</summary>
    public int ShardCount { get; init; }

    /// <summary>The shard files described (all of them, or the one of a per-shard manifest).</summary>
    public IReadOnlyList<ShardEntry> Shards { get; init; } = [];

    /// <summary>q_S, the probability that the start symbol derives a finite sentence.</summary>
    public double StartTerminationProbability { get; init; }

    /// <summary>Spectral radius of the grammar's expectation matrix (below 1: subcritical).</summary>
    public double SpectralRadius { get; init; }

    /// <summary>Gzip statistics of a seeded sample of documents.</summary>
    public GzipEntry? Gzip { get; init; }

    /// <summary>The loss floor and the entropy rate, or null when not computed (the reference profile, <c>--floor-docs 0</c>).</summary>
    public FloorEntry? Floor { get; init; }

    /// <summary>Threads used (the files do not depend on it).</summary>
    public int Threads { get; init; }

    /// <summary>Seconds spent generating and writing (summed over the runs of a merged manifest).</summary>
    public double GenerationSeconds { get; init; }

    /// <summary>Tokens per second of generation (tokens / <see cref="GenerationSeconds"/>).</summary>
    public double TokensPerSecond { get; init; }

    /// <summary>The compressibility dial's search when <c>--target-gzip</c> chose the grammar, else null.</summary>
    public DialEntry? Dial { get; init; }

    /// <summary>Other formats the documents were exported to (<c>pcfglab export</c>), for trainers without a Parquet reader.</summary>
    public IReadOnlyList<ExportEntry> Exports { get; init; } = [];

    /// <summary>The shard this manifest describes in a split run, or null for a whole dataset.</summary>
    public int? ShardIndex { get; init; }

    /// <summary>Name of the per-shard manifest of shard <paramref name="index"/> of <paramref name="count"/>.</summary>
    public static string ShardManifestFileName(int index, int count) =>
        "dataset." + Path.GetFileNameWithoutExtension(ParquetDatasetWriter.ShardFileName(index, count)) + ".json";

    /// <summary>Serialises to indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ManifestJsonContext.Convention.DatasetManifest);

    /// <summary>Reads a manifest file; throws <see cref="UserInputException"/> when it is missing or malformed.</summary>
    public static DatasetManifest Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            path = Path.Combine(path, FileName);
        }

        if (!File.Exists(path))
        {
            throw new UserInputException($"'{path}' does not exist: give a dataset folder made by 'pcfglab generate' or its dataset.json.");
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), ManifestJsonContext.Convention.DatasetManifest)
                ?? throw new UserInputException($"'{path}' is empty.");
        }
        catch (JsonException ex)
        {
            throw new UserInputException($"'{path}' is not a dataset manifest: {ex.Message}", ex);
        }
    }

    /// <summary>Writes the manifest to <paramref name="path"/> through a temporary file and a rename.</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        AtomicFile.WriteAllText(path, ToJson() + "\n");
    }

    /// <summary>
    /// Joins the per-shard manifests in <paramref name="folder"/> (a split run's <c>dataset.train-*.json</c>) with
    /// <see cref="Merge"/>, checks that every shard file exists at the size its manifest records, and saves the
    /// dataset's <see cref="FileName"/>, holding the folder's lock as <paramref name="owner"/> (not while a generate run
    /// writes the folder, which would merge half a dataset, nor beside another merge). Returns the merged manifest and
    /// the number of parts.
    /// </summary>
    /// <exception cref="UserInputException">The folder is missing, a part disagrees, or a shard is missing or cut short.</exception>
    public static (DatasetManifest Merged, int Parts) MergeFolder(string folder, string owner)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new UserInputException($"'{folder}' is not a folder: give the dataset folder of the split run.");
        }

        using var folderLock = OutputFolderLock.Acquire(folder, owner);
        var files = Directory.GetFiles(folder, "dataset.train-*.json");
        Array.Sort(files, StringComparer.Ordinal);
        var parts = files.Select(Load).ToList();
        var merged = Merge(parts);
        foreach (var shard in merged.Shards)
        {
            // A shard is a file of this folder: a name with a path in it (../../etc/hostname) would be recorded as
            // part of the dataset and later read from outside it.
            if (!IsPlainFileName(shard.File))
            {
                throw new UserInputException($"shard {shard.Index}'s manifest names its file '{shard.File?.ReplaceLineEndings(" ")}', which is not a plain file name in '{folder}': the per-shard manifest was edited; rerun that shard.");
            }

            var file = Path.Combine(folder, shard.File);
            if (!File.Exists(file) || new FileInfo(file).Length != shard.Bytes)
            {
                throw new UserInputException($"'{file}' is missing or not the size its manifest records ({shard.Bytes} bytes): rerun that shard.");
            }
        }

        DatasetCard.Save(folder, merged);
        merged.Save(Path.Combine(folder, FileName));
        return (merged, parts.Count);
    }

    /// <summary>True when <paramref name="name"/> names a file directly inside a folder: no separator, not . or .., no control character.</summary>
    internal static bool IsPlainFileName(string? name) =>
        !string.IsNullOrEmpty(name) && name is not ("." or "..")
        && name.IndexOfAny(['/', '\\']) < 0 && !name.Any(char.IsControl) && !Path.IsPathRooted(name);

    /// <summary>
    /// Joins the per-shard manifests of one split run into the dataset's manifest: they must describe the same
    /// dataset (parameters other than the shard, spec, seed, profile, grammar, document counts), every shard exactly
    /// once. Generation seconds add up; tokens per second is the dataset's tokens over that sum (per-job speed).
    /// </summary>
    public static DatasetManifest Merge(IReadOnlyList<DatasetManifest> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            throw new UserInputException("No per-shard manifests (dataset.train-*.json) to merge.");
        }

        var first = parts[0];
        var count = first.ShardCount;
        if (count < 1)
        {
            // A hand-edited or damaged manifest: refuse it before sizing anything by it.
            throw new UserInputException(
                $"A per-shard manifest records a shard count of {count}: a split run has at least 1 shard, so the manifest is damaged or edited; regenerate that shard.");
        }

        var seen = new ShardEntry?[count];
        var seconds = 0.0;
        var documents = 0L;
        var tokens = 0L;
        int? maxTokenId = null;
        foreach (var part in parts)
        {
            if (part.ShardIndex is not int index || part.Shards.Count != 1)
            {
                throw new UserInputException("A manifest to merge is not a per-shard manifest (it has no shard index).");
            }

            if (part.ShardCount != count || part.Seed != first.Seed || part.Profile != first.Profile || part.Spec != first.Spec
                || part.GrammarSha256 != first.GrammarSha256 || part.DocumentLength != first.DocumentLength
                || part.DatasetDocuments != first.DatasetDocuments || part.Compression != first.Compression
                || part.RowGroupDocuments != first.RowGroupDocuments || part.ToolVersion != first.ToolVersion)
            {
                throw new UserInputException($"Shard {index} was made with other settings or another pcfglab build than shard {first.ShardIndex}: they are not parts of one dataset.");
            }

            if (index < 0 || index >= count)
            {
                throw new UserInputException(
                    $"A per-shard manifest records shard {index} of {count}, out of range (the index runs from 0 to {count - 1}): it is damaged or edited; regenerate that shard.");
            }

            if (seen[index] is not null)
            {
                throw new UserInputException($"Shard {index} has two manifests.");
            }

            seen[index] = part.Shards[0];
            seconds += part.GenerationSeconds;
            documents += part.Documents;
            tokens += part.Tokens;
            maxTokenId = part.MaxTokenId is int m && maxTokenId is int sofar ? Math.Max(m, sofar) : (maxTokenId ?? part.MaxTokenId);
        }

        for (var i = 0; i < count; i++)
        {
            if (seen[i] is null)
            {
                throw UserInputException.ForParameters($"Shard {i} of {count} has no manifest yet: run it ({new Parameter("ShardIndex")} {i}/{count}) before merging.");
            }
        }

        var parameters = new Dictionary<string, string>(first.Parameters, StringComparer.Ordinal);
        parameters.Remove("shard");
        parameters["shards"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return first with
        {
            CreatedAt = DateTimeOffset.UtcNow,
            Parameters = parameters,
            Documents = documents,
            Tokens = tokens,
            MaxTokenId = maxTokenId,
            Shards = [.. seen.Select(s => s!)],
            GenerationSeconds = seconds,
            TokensPerSecond = seconds > 0 ? tokens / seconds : 0,
            ShardIndex = null,
        };
    }
}

/// <summary>One shard file of a dataset.</summary>
/// <param name="File">File name, relative to the dataset folder.</param>
/// <param name="Index">Shard index.</param>
/// <param name="FirstDocument">Dataset index of its first document.</param>
/// <param name="Documents">Documents in the file.</param>
/// <param name="Tokens">Tokens in the file.</param>
/// <param name="Bytes">File size in bytes.</param>
public sealed record ShardEntry(string File, int Index, long FirstDocument, long Documents, long Tokens, long Bytes);

/// <summary>
/// The loss floor and entropy rate as recorded in a manifest (see <see cref="PcfgLab.Floor.FloorAnalysis"/>), all in
/// nats per token unless named otherwise.
/// </summary>
/// <param name="Nats">Document-level floor: the mean ideal loss over positions 2..L of the measured documents.</param>
/// <param name="StandardError">Its standard error over documents.</param>
/// <param name="Lower95">Lower end of its 95% interval.</param>
/// <param name="Upper95">Upper end of its 95% interval.</param>
/// <param name="Bits">The floor in bits per token.</param>
/// <param name="OverLogVocabulary">The floor over ln V.</param>
/// <param name="Documents">Documents measured (documents 0..N-1 of the dataset's stream).</param>
/// <param name="EntropyRateNats">h = H(S) / (E|S| + 1).</param>
/// <param name="EntropyRateStandardError">Standard error of h.</param>
/// <param name="EntropyRateBits">h in bits per token.</param>
/// <param name="EntropyRateOverLogVocabulary">h over ln V.</param>
/// <param name="DerivationEntropyRateNats">Derivation entropy per token, separators included: an upper bound of h.</param>
/// <param name="SentenceEntropyNats">H(S), nats per sentence.</param>
/// <param name="ExpectedSentenceLength">E|S|, tokens.</param>
/// <param name="Sentences">Sentences in the entropy estimate.</param>
/// <param name="GapNats">Floor minus h: the edge effects of documents.</param>
/// <param name="Vocabulary">V, the distinct tokens (terminals used + the separator).</param>
/// <param name="Seconds">Time the computation took.</param>
public sealed record FloorEntry(
    double Nats,
    double StandardError,
    double Lower95,
    double Upper95,
    double Bits,
    double OverLogVocabulary,
    int Documents,
    double EntropyRateNats,
    double EntropyRateStandardError,
    double EntropyRateBits,
    double EntropyRateOverLogVocabulary,
    double DerivationEntropyRateNats,
    double SentenceEntropyNats,
    double ExpectedSentenceLength,
    int Sentences,
    double GapNats,
    int Vocabulary,
    double Seconds)
{
    /// <summary>The entry of a summary that has a document-level floor.</summary>
    public static FloorEntry From(PcfgLab.Floor.FloorSummary summary, double seconds)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var d = summary.Document ?? throw new ArgumentException("The summary has no document-level floor.", nameof(summary));
        var r = summary.Rate;
        return new FloorEntry(
            d.MeanNats, d.StandardError, d.Lower95, d.Upper95, summary.DocumentBits, summary.DocumentOverLogVocabulary, d.Documents,
            r.RateNats, r.RateStandardError, summary.RateBits, summary.RateOverLogVocabulary, r.DerivationRateNats,
            r.SentenceEntropyNats, r.ExpectedSentenceLength, r.Sentences, summary.GapNats, summary.Vocabulary, seconds);
    }
}

/// <summary>Gzip statistics as recorded in a manifest.</summary>
/// <param name="Median">Median ratio (the study's headline).</param>
/// <param name="Stdev">Sample standard deviation.</param>
/// <param name="Mean">Mean.</param>
/// <param name="P05">5th percentile.</param>
/// <param name="P95">95th percentile.</param>
/// <param name="Count">Documents measured.</param>
/// <param name="SampleSeed">Seed of the document sample.</param>
/// <param name="Source">How the documents were obtained (regenerated, written or parquet).</param>
/// <param name="Deflate">Deflate implementation of the sizes: <c>zlib-ng</c> (System.IO.Compression; manifests
/// without the field were made by it) or <c>zlib</c> (classic zlib, Python's sizes).</param>
public sealed record GzipEntry(double Median, double Stdev, double Mean, double P05, double P95, int Count, ulong SampleSeed, string Source, string Deflate = "zlib-ng");

[JsonSerializable(typeof(DatasetManifest))]
[JsonSerializable(typeof(DialEntry))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext
{
    /// <summary>The context in <see cref="JsonConvention"/>: the bytes of every dataset.json.</summary>
    public static ManifestJsonContext Convention { get; } = new(JsonConvention.Document());
}

/// <summary>The export entry as <c>pcfglab export --json</c> prints it: <see cref="JsonConvention"/>, nulls left out.</summary>
[JsonSerializable(typeof(ExportEntry))]
internal sealed partial class ExportJsonContext : JsonSerializerContext
{
    /// <summary>The context in <see cref="JsonConvention"/>, nulls left out.</summary>
    public static ExportJsonContext Convention { get; } = new(JsonConvention.Document(omitNulls: true));
}
