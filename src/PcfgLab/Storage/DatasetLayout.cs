namespace PcfgLab.Storage;

/// <summary>
/// How a dataset is cut: documents = ceil(tokens / document length), split into a fixed number of shard files of
/// near-equal document counts (shard s holds documents [D*s/n, D*(s+1)/n)), each cut into row groups of a fixed
/// document count. Depends on the token count and options only, never on the thread count or the machine, so
/// any run (one machine, many threads, or one shard per machine) gives the same files.
/// </summary>
/// <param name="Documents">Documents in the dataset.</param>
/// <param name="DocumentLength">Tokens per document (the nominal length for the reference profile).</param>
/// <param name="ShardCount">Number of shard files.</param>
/// <param name="RowGroupDocuments">Documents per row group (the last of a shard may hold fewer).</param>
public sealed record DatasetLayout(long Documents, int DocumentLength, int ShardCount, int RowGroupDocuments)
{
    /// <summary>Default tokens per shard file when no shard count is given.</summary>
    public const long DefaultTokensPerShard = 50_000_000;

    /// <summary>Tokens per row group the default row-group size aims at (8192 documents of 256 tokens).</summary>
    public const int TargetRowGroupTokens = 1 << 21;

    /// <summary>Largest default row group, in documents.</summary>
    public const int MaxDefaultRowGroupDocuments = 8192;

    /// <summary>
    /// Longest document, in tokens (2^20). A document is sampled whole into memory and written as one Parquet row,
    /// and no language model's context is longer; 10^8 tokens per document ran for minutes with nothing to show.
    /// </summary>
    public const int MaxDocumentLength = 1 << 20;

    /// <summary>Throws a one-line <see cref="UserInputException"/> unless 1 &lt;= <paramref name="documentLength"/> &lt;= <see cref="MaxDocumentLength"/>.</summary>
    /// <param name="documentLength">Tokens per document.</param>
    public static void ValidateDocumentLength(int documentLength)
    {
        if (documentLength < 1)
        {
            throw UserInputException.ForParameters($"{new Parameter("documentLength")} must be positive, got {documentLength}.");
        }

        if (documentLength > MaxDocumentLength)
        {
            throw UserInputException.ForParameters(
                $"{new Parameter("documentLength")} {documentLength} is too long: at most {MaxDocumentLength} tokens (2^20), longer than any model's context, because each document is built whole in memory.");
        }
    }

    /// <summary>Lays out <paramref name="tokens"/> tokens; <paramref name="shardCount"/> and
    /// <paramref name="rowGroupDocuments"/> default (null or 0) from the token count and document length.</summary>
    public static DatasetLayout For(long tokens, int documentLength, int? shardCount = null, int rowGroupDocuments = 0)
    {
        if (tokens < 1)
        {
            throw UserInputException.ForParameters($"{new Parameter("tokens")} must be positive, got {tokens}.");
        }

        ValidateDocumentLength(documentLength);

        // ceil(tokens / length) without tokens + length - 1, which overflows near long.MaxValue; and the nominal token
        // count (documents x length) must fit in 64 bits too.
        var documents = ((tokens - 1) / documentLength) + 1;
        if (documents > long.MaxValue / documentLength)
        {
            throw UserInputException.ForParameters(
                $"{new Parameter("tokens")} {tokens} is too many: {documents} documents of {documentLength} tokens do not fit in a 64-bit count; ask for at most {long.MaxValue / documentLength * documentLength}.");
        }

        var shards = shardCount ?? DefaultShardCount(tokens);
        if (shards < 1)
        {
            throw UserInputException.ForParameters($"{new Parameter("shardCount")} must be positive, got {shards}.");
        }

        if (shards > documents)
        {
            throw UserInputException.ForParameters($"{new Parameter("shardCount")} {shards} is more than the {documents} documents: use at most {documents} shards.");
        }

        if (rowGroupDocuments < 0)
        {
            throw UserInputException.ForParameters($"{new Parameter("rowGroupDocuments")} must be positive, got {rowGroupDocuments}.");
        }

        var rows = rowGroupDocuments > 0
            ? rowGroupDocuments
            : Math.Clamp(TargetRowGroupTokens / documentLength, 1, MaxDefaultRowGroupDocuments);
        if ((long)rows * documentLength > Array.MaxLength / 2)
        {
            throw UserInputException.ForParameters($"A row group of {rows} documents of {documentLength} tokens is too large: lower {new Parameter("rowGroupDocuments")}.");
        }

        return new DatasetLayout(documents, documentLength, shards, rows);
    }

    /// <summary>Default number of shard files: one per <see cref="DefaultTokensPerShard"/> tokens, at least one.</summary>
    public static int DefaultShardCount(long tokens) =>
        (int)Math.Clamp(tokens < 1 ? 1 : ((tokens - 1) / DefaultTokensPerShard) + 1, 1, 99_999);

    /// <summary>Nominal tokens (documents x length; the reference profile's are a little fewer).</summary>
    public long Tokens => Documents * DocumentLength;

    /// <summary>Dataset index of the first document of shard <paramref name="shard"/>.</summary>
    public long ShardStart(int shard) => (long)((Int128)Documents * shard / ShardCount);

    /// <summary>Documents in shard <paramref name="shard"/>.</summary>
    public long ShardDocuments(int shard) => ShardStart(shard + 1) - ShardStart(shard);

    /// <summary>Row groups in shard <paramref name="shard"/>.</summary>
    public int ShardRowGroups(int shard) => (int)((ShardDocuments(shard) + RowGroupDocuments - 1) / RowGroupDocuments);
}
