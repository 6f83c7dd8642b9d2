namespace PcfgLab.Compression.Corpora;

/// <summary>Which reader a path gets.</summary>
public enum CorpusFormat
{
    /// <summary>By the path: <c>.parquet</c> files or a folder holding some, <c>.jsonl</c>/<c>.ndjson</c> files, else text.</summary>
    Auto,

    /// <summary>Plain text files.</summary>
    Text,

    /// <summary>JSON Lines records.</summary>
    JsonLines,

    /// <summary>Parquet files.</summary>
    Parquet,
}

/// <summary>Opens the right <see cref="CorpusSource"/> for a path.</summary>
public static class CorpusSourceFactory
{
    /// <summary>
    /// Opens <paramref name="path"/> as <paramref name="format"/>. In a folder, <see cref="CorpusFormat.Auto"/> picks
    /// Parquet when the folder itself holds a <c>.parquet</c> file (a dataset), otherwise text files.
    /// </summary>
    /// <param name="path">File or folder.</param>
    /// <param name="format">Reader to use.</param>
    /// <param name="column">Parquet column (default <c>input_ids</c>, then <c>text</c>).</param>
    /// <param name="field">JSON Lines field (default <c>text</c>).</param>
    /// <param name="includes">Include patterns for folders.</param>
    /// <param name="excludes">Exclude patterns for folders.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    public static async Task<CorpusSource> OpenAsync(
        string path,
        CorpusFormat format = CorpusFormat.Auto,
        string? column = null,
        string? field = null,
        IReadOnlyList<string>? includes = null,
        IReadOnlyList<string>? excludes = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new UserInputException($"{path} does not exist.");
        }

        if (format == CorpusFormat.Auto)
        {
            format = Detect(path);
        }

        return format switch
        {
            CorpusFormat.Parquet => await ParquetCorpusSource.OpenAsync(path, column, cancellationToken).ConfigureAwait(false),
            CorpusFormat.JsonLines => new JsonLinesCorpusSource(path, field ?? JsonLinesCorpusSource.DefaultField, includes, excludes),
            _ => new TextFileCorpusSource(path, includes, excludes),
        };
    }

    /// <summary>The format <see cref="CorpusFormat.Auto"/> resolves to for <paramref name="path"/>.</summary>
    public static CorpusFormat Detect(string path)
    {
        if (File.Exists(path))
        {
            if (path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
            {
                return CorpusFormat.Parquet;
            }

            return path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase)
                ? CorpusFormat.JsonLines
                : CorpusFormat.Text;
        }

        return Directory.EnumerateFiles(path, "*.parquet").Any() ? CorpusFormat.Parquet : CorpusFormat.Text;
    }
}
