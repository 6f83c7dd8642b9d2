using System.Globalization;
using System.Text;

namespace PcfgLab.Storage;

/// <summary>
/// The dataset card: <c>README.md</c> beside the shards, so that a dataset folder uploaded to the Hugging Face Hub
/// loads and describes itself. Its YAML header names the data files (<c>configs</c>), the features and split sizes
/// (<c>dataset_info</c>, with <c>sequence: int32</c>, which <c>datasets</c> 3.x and 4.x both read) and the license;
/// its body says what the data are and how they were made, from <see cref="DatasetManifest"/> (dataset.json stays
/// the full record). The card depends only on the manifest's content, not on the time it was written.
/// </summary>
internal static class DatasetCard
{
    /// <summary>File name of the card.</summary>
    public const string FileName = "README.md";

    /// <summary>
    /// The license the card declares. The documents are sampled from a grammar by a program, with no one's text in
    /// them; CC0 lets anyone use them. A researcher who wants another license edits the card.
    /// </summary>
    public const string License = "cc0-1.0";

    /// <summary>Writes the card of <paramref name="manifest"/> into <paramref name="folder"/> through a temporary file and a rename.</summary>
    public static void Save(string folder, DatasetManifest manifest) =>
        AtomicFile.WriteAllText(Path.Combine(folder, FileName), Render(manifest));

    /// <summary>The card's text.</summary>
    public static string Render(DatasetManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var ic = CultureInfo.InvariantCulture;
        var name = manifest.Preset ?? (manifest.Spec is { } spec ? "pcfg " + spec : "pcfg dataset");
        var bytes = 0L;
        foreach (var shard in manifest.Shards)
        {
            bytes += shard.Bytes;
        }

        var s = new StringBuilder();
        s.Append("---\n");
        s.Append("license: ").Append(License).Append('\n');
        s.Append("pretty_name: ").Append(Quote(name)).Append('\n');
        s.Append("task_categories:\n- text-generation\n");
        s.Append("tags:\n- synthetic\n- pcfg\n- scaling-laws\n- pcfglab\n");
        s.Append("size_categories:\n- ").Append(SizeCategory(manifest.Documents)).Append('\n');
        s.Append("configs:\n- config_name: default\n  data_files:\n  - split: train\n    path: \"train-*.parquet\"\n");
        s.Append("dataset_info:\n  features:\n  - name: ").Append(ParquetDatasetWriter.TokenColumn).Append("\n    sequence: int32\n");
        s.Append("  splits:\n  - name: train\n");
        s.Append("    num_examples: ").Append(manifest.Documents.ToString(ic)).Append('\n');
        s.Append("  download_size: ").Append(bytes.ToString(ic)).Append('\n');
        s.Append("---\n\n");

        s.Append("# ").Append(name).Append("\n\n");
        s.Append("Synthetic token documents sampled from a probabilistic context-free grammar by ")
            .Append(manifest.Tool).Append(' ').Append(manifest.ToolVersion)
            .Append(", for studying how the complexity of training data shapes neural scaling laws. ")
            .Append("Each row is one document: `input_ids`, a list of ").Append(manifest.DocumentLength.ToString(ic))
            .Append(" token ids (int32). The true distribution of the data is known: the grammar is `")
            .Append(manifest.GrammarFile).Append("` beside this card, so the loss floor below is exact up to sampling.\n\n");

        s.Append("| | |\n|---|---|\n");
        Row(s, "documents", manifest.Documents.ToString(ic));
        Row(s, "tokens", manifest.Tokens.ToString(ic));
        if (manifest.MaxTokenId is int max)
        {
            Row(s, "largest token id", max.ToString(ic) + " (a model needs a vocabulary of at least " + (max + 1L).ToString(ic) + ")");
        }

        Row(s, "files", manifest.ShardCount.ToString(ic) + " Parquet shard(s), " + manifest.Compression + ", " + bytes.ToString(ic) + " bytes");
        if (manifest.Gzip is { } gzip)
        {
            Row(s, "gzip compressibility (median)", gzip.Median.ToString("0.0000", ic) + " over " + gzip.Count.ToString(ic) + " documents (" + gzip.Deflate + ")");
        }

        if (manifest.Floor is { } floor)
        {
            Row(s, "loss floor", floor.Nats.ToString("0.0000", ic) + " nats/token (95%: " + floor.Lower95.ToString("0.0000", ic) + " to "
                + floor.Upper95.ToString("0.0000", ic) + ", documents 0.." + (floor.Documents - 1).ToString(ic) + ")");
            Row(s, "entropy rate", floor.EntropyRateNats.ToString("0.0000", ic) + " nats/token; vocabulary " + floor.Vocabulary.ToString(ic));
        }

        s.Append("\n## Provenance\n\n");
        s.Append("| | |\n|---|---|\n");
        Row(s, "tool", manifest.Tool + " " + manifest.ToolVersion);
        Row(s, "grammar", (manifest.Preset is { } preset ? "preset " + preset + ", " : string.Empty)
            + (manifest.Spec is { } sp ? "spec " + sp + ", " : string.Empty) + "source " + manifest.GrammarSource);
        Row(s, "grammar SHA-256", manifest.GrammarSha256);
        Row(s, "seed", manifest.Seed.ToString());
        Row(s, "profile", manifest.Profile);
        var keys = new List<string>(manifest.Parameters.Keys);
        keys.Sort(StringComparer.Ordinal);
        var parameters = new StringBuilder();
        foreach (var key in keys)
        {
            // Where and how fast it was made is not part of what the data are: the card is the same for any folder
            // and thread count (dataset.json keeps them).
            if (key is "out" or "threads" or "force" or "json")
            {
                continue;
            }

            parameters.Append(parameters.Length > 0 ? ", " : string.Empty).Append("--").Append(key).Append(' ').Append(manifest.Parameters[key]);
        }

        Row(s, "parameters", parameters.ToString());
        s.Append("\nThe full record (every parameter, the grammar analysis, gzip statistics and the floor) is `")
            .Append(DatasetManifest.FileName).Append("`. Load with `datasets.load_dataset(\"parquet\", data_files=\"train-*.parquet\")` ")
            .Append("or from the Hub after uploading this folder.\n");
        return s.ToString();
    }

    private static void Row(StringBuilder s, string name, string value) =>
        s.Append("| ").Append(name).Append(" | ").Append(value.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ")).Append(" |\n");

    /// <summary>A YAML double-quoted scalar.</summary>
    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).ReplaceLineEndings(" ") + "\"";

    /// <summary>The Hub's size category of a dataset of <paramref name="rows"/> rows.</summary>
    internal static string SizeCategory(long rows) => rows switch
    {
        < 1_000 => "n<1K",
        < 10_000 => "1K<n<10K",
        < 100_000 => "10K<n<100K",
        < 1_000_000 => "100K<n<1M",
        < 10_000_000 => "1M<n<10M",
        < 100_000_000 => "10M<n<100M",
        < 1_000_000_000 => "100M<n<1B",
        _ => "n>1B",
    };
}
