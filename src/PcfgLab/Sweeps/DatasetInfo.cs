using System.Globalization;
using System.Text.Json;
using PcfgLab.Storage;

namespace PcfgLab.Sweeps;

/// <summary>
/// What the sweep needs to know about a dataset folder written by <c>pcfglab generate</c>, read from its
/// <c>dataset.json</c> manifest: name, gzip compressibility H (median and standard deviation), token and document
/// counts, the vocabulary the grammar's tokens need (max token id + 1) and the shard files.
/// </summary>
/// <param name="Name">Dataset name (the manifest's, else the folder's name).</param>
/// <param name="Path">The dataset folder.</param>
/// <param name="GzipMedian">Median gzip compressibility H, or null when the manifest has none.</param>
/// <param name="GzipStandardDeviation">Standard deviation of the per-document gzip ratio, or null.</param>
/// <param name="Tokens">Tokens in the dataset, or null when unknown.</param>
/// <param name="Documents">Documents in the dataset, or null when unknown.</param>
/// <param name="Vocabulary">Max token id + 1 (the grammar's terminals), or null when unknown.</param>
/// <param name="Shards">Parquet shard files (<c>train-*.parquet</c>), sorted by name.</param>
/// <param name="Floor">The loss floor (nats per token) with its 95% interval, when the manifest records one.</param>
public sealed record DatasetInfo(
    string Name,
    string Path,
    double? GzipMedian,
    double? GzipStandardDeviation,
    long? Tokens,
    long? Documents,
    int? Vocabulary,
    IReadOnlyList<string> Shards,
    DatasetFloorInfo? Floor = null)
{
    /// <summary>SHA-256 of the dataset's grammar file, when the manifest records it: two datasets of one grammar are draws from one distribution.</summary>
    public string? GrammarSha256 { get; init; }

    /// <summary>
    /// Reads the manifest of the dataset folder <paramref name="path"/> through <see cref="DatasetManifest.Load"/>, the
    /// one reader of <c>dataset.json</c>. Manifests of earlier versions (no <c>gzip</c> entry or no <c>maxTokenId</c>,
    /// other field names, a spec written as an object) are read by a tolerant fallback. Throws
    /// <see cref="UserInputException"/> when the manifest is missing or malformed.
    /// </summary>
    public static DatasetInfo Read(string path)
    {
        var file = System.IO.Path.Combine(path, DatasetManifest.FileName);
        if (!File.Exists(file))
        {
            throw new UserInputException($"dataset '{path}' has no {DatasetManifest.FileName}: generate it first with `pcfglab generate` (or fix the path).");
        }

        DatasetManifest? manifest = null;
        try
        {
            manifest = DatasetManifest.Load(file);
        }
        catch (UserInputException)
        {
            // Not this version's layout (or not JSON): the fallback below reads it or names the problem.
        }

        return manifest is { Gzip: { } gzip, MaxTokenId: { } maxTokenId }
            ? new DatasetInfo(
                new DirectoryInfo(path).Name,
                path,
                gzip.Median,
                gzip.Stdev,
                manifest.Tokens,
                manifest.Documents,
                maxTokenId + 1,
                ShardFiles(path),
                manifest.Floor is { } f ? new DatasetFloorInfo(f.Nats, f.Lower95, f.Upper95, f.EntropyRateNats, f.OverLogVocabulary, f.EntropyRateOverLogVocabulary) : null)
            {
                GrammarSha256 = string.IsNullOrEmpty(manifest.GrammarSha256) ? null : manifest.GrammarSha256,
            }
            : ReadEarlierManifest(path, file);
    }

    /// <summary>The tolerant reader of manifests written before the current layout (about 20 field names tried).</summary>
    internal static DatasetInfo ReadEarlierManifest(string path, string manifest)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(manifest));
        }
        catch (JsonException ex)
        {
            throw new UserInputException($"{manifest} is not valid JSON ({ex.Message}): regenerate the dataset.", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new UserInputException($"{manifest} does not hold a JSON object: regenerate the dataset.");
            }

            var name = FindString(root, "name") ?? new DirectoryInfo(path).Name;
            var gzip = FindObject(root, "gzip") ?? FindObject(root, "compressibility") ?? FindObject(root, "gzipStats");
            double? median = FindNumber(root, "gzipMedian", "gzip_median", "H")
                ?? (gzip is { } g ? FindNumber(g, "median", "Median") : null);
            double? stdev = FindNumber(root, "gzipStdev", "gzip_stdev", "gzipStandardDeviation")
                ?? (gzip is { } g2 ? FindNumber(g2, "standardDeviation", "stdev", "std", "StandardDeviation") : null);
            var counts = FindObject(root, "counts") ?? root;
            var tokens = FindNumber(counts, "tokens", "tokenCount", "totalTokens") ?? FindNumber(root, "tokens", "tokenCount", "totalTokens");
            var documents = FindNumber(counts, "documents", "documentCount", "rows") ?? FindNumber(root, "documents", "documentCount");
            int? vocabulary = null;
            if ((FindNumber(counts, "maxTokenId", "max_token_id") ?? FindNumber(root, "maxTokenId", "max_token_id")) is { } maxId)
            {
                vocabulary = (int)maxId + 1;
            }
            else if ((FindObject(root, "spec") is { } spec ? FindNumber(spec, "terminals", "Terminals") is { } t1 ? (int?)(int)t1 : null
                         : FindString(root, "spec") is { } specText ? TerminalsOfSpec(specText) : null) is { } terminals)
            {
                // Manifests written before maxTokenId was recorded: the fast profile numbers terminals 1..T (0 is the
                // separator), so T terminals need T + 1 ids; the reference profile numbers them 0..T-1.
                vocabulary = string.Equals(FindString(root, "profile"), "reference", StringComparison.Ordinal) ? terminals : terminals + 1;
            }
            else if (FindNumber(root, "vocabulary", "vocabularySize") is { } v)
            {
                vocabulary = (int)v;
            }

            var shards = ShardFiles(path);
            DatasetFloorInfo? floor = null;
            if (FindObject(root, "floor") is { } f && FindNumber(f, "nats") is { } nats)
            {
                floor = new DatasetFloorInfo(
                    nats,
                    FindNumber(f, "lower95") ?? nats,
                    FindNumber(f, "upper95") ?? nats,
                    FindNumber(f, "entropyRateNats"),
                    FindNumber(f, "overLogVocabulary"),
                    FindNumber(f, "entropyRateOverLogVocabulary"));
            }

            return new DatasetInfo(name, path, median, stdev, tokens is { } t ? (long)t : null, documents is { } d ? (long)d : null, vocabulary, shards, floor);
        }
    }

    private static string[] ShardFiles(string path) => Directory.Exists(path)
        ? Directory.GetFiles(path, "train-*.parquet").OrderBy(f => f, StringComparer.Ordinal).ToArray()
        : [];

    /// <summary>T of a spec written as <c>(NT,T,OPTS,LEN)</c>, or null when the text is not one.</summary>
    internal static int? TerminalsOfSpec(string spec)
    {
        var parts = spec.Trim().TrimStart('(').TrimEnd(')').Split(',', StringSplitOptions.TrimEntries);
        return parts.Length == 4 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var terminals) && terminals > 0
            ? terminals
            : null;
    }

    private static JsonElement? FindObject(JsonElement parent, string name) =>
        TryGet(parent, name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static string? FindString(JsonElement parent, string name) =>
        TryGet(parent, name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double? FindNumber(JsonElement parent, params string[] names)
    {
        foreach (var name in names)
        {
            if (TryGet(parent, name, out var value))
            {
                if (value.ValueKind == JsonValueKind.Number)
                {
                    return value.GetDouble();
                }

                if (value.ValueKind == JsonValueKind.String
                    && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
                {
                    return parsed;
                }
            }
        }

        return null;
    }

    private static bool TryGet(JsonElement parent, string name, out JsonElement value)
    {
        foreach (var property in parent.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }
}

/// <summary>The loss floor a dataset manifest records (written by <c>pcfglab generate</c>; see <c>pcfglab floor</c>).</summary>
/// <param name="Nats">The document-level floor, nats per token over positions 2..L.</param>
/// <param name="Lower95">Lower end of its 95% interval.</param>
/// <param name="Upper95">Upper end of its 95% interval.</param>
/// <param name="EntropyRateNats">The entropy rate h, nats per token, when recorded.</param>
/// <param name="OverLogVocabulary">The floor over ln V, when recorded.</param>
/// <param name="EntropyRateOverLogVocabulary">h over ln V, when recorded.</param>
public sealed record DatasetFloorInfo(double Nats, double Lower95, double Upper95, double? EntropyRateNats, double? OverLogVocabulary, double? EntropyRateOverLogVocabulary)
{
    /// <summary>
    /// True when <paramref name="run"/>'s validation loss lies below the floor by more than both estimates' sampling
    /// errors allow (95%, two-sided: the floor is measured on other documents than the run's validation split, so
    /// both spreads count). A run without a recorded standard error is held to the floor's interval alone.
    /// </summary>
    public bool IsBelow(TrainingRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var floorError = (Upper95 - Lower95) / (2 * 1.959964);
        var runError = run.ValidLossStandardError is { } se && double.IsFinite(se) && se >= 0 ? se : 0;
        return Nats - run.FinalValidLoss > 1.959964 * Math.Sqrt((floorError * floorError) + (runError * runError));
    }
}
