using PcfgLab.Compression;
using PcfgLab.Grammars;
using PcfgLab.Storage;

namespace PcfgLab.Generation;

/// <summary>Assembles a generated dataset's manifest from the request, the plan, the grammar and what was written.</summary>
internal static class ManifestAssembler
{
    /// <summary>
    /// The manifest of the shards <paramref name="writers"/> wrote (one per shard of the plan, in shard order).
    /// </summary>
    public static DatasetManifest Assemble(
        DatasetGrammar grammar,
        GenerationOptions options,
        GenerationPlan plan,
        GrammarReport analysis,
        string grammarHash,
        IReadOnlyList<ParquetDatasetWriter> writers,
        ProfileResult result)
    {
        var layout = plan.Layout;
        var entries = new List<ShardEntry>(writers.Count);
        var documents = 0L;
        var tokens = 0L;
        int? maxTokenId = null;
        for (var k = 0; k < writers.Count; k++)
        {
            var writer = writers[k];
            var shard = plan.Shards[k];
            entries.Add(new ShardEntry(Path.GetFileName(writer.FinalPath), shard, layout.ShardStart(shard), writer.DocumentCount, writer.TokenCount, writer.ByteCount));
            documents += writer.DocumentCount;
            tokens += writer.TokenCount;
            maxTokenId = maxTokenId is int m ? Math.Max(m, writer.MaxTokenId) : writer.MaxTokenId;
        }

        var seconds = result.Seconds;
        return new DatasetManifest
        {
            CreatedAt = DateTimeOffset.UtcNow,
            Parameters = options.Parameters,
            Spec = grammar.Spec?.ToString(),
            Preset = grammar.Preset,
            GrammarSource = grammar.Source,
            GrammarSha256 = grammarHash,
            Seed = options.Seed,
            Profile = DatasetGenerator.ProfileName(options.Profile),
            DocumentLength = options.DocumentLength,
            Documents = documents,
            Tokens = tokens,
            MaxTokenId = maxTokenId,
            DatasetDocuments = layout.Documents,
            Compression = options.Compression.ToString(),
            RowGroupDocuments = layout.RowGroupDocuments,
            ShardCount = layout.ShardCount,
            Shards = entries,
            StartTerminationProbability = analysis.StartTerminationProbability,
            SpectralRadius = analysis.SpectralRadius,
            Gzip = result.Gzip.ToEntry(),
            Floor = result.Floor,
            Dial = options.Dial,
            Threads = options.Profile == GenerationProfile.Reference ? 1 : options.Threads,
            GenerationSeconds = seconds,
            TokensPerSecond = seconds > 0 ? tokens / seconds : 0,
            ShardIndex = options.ShardIndex,
        };
    }

    /// <summary>The manifest's file name: the dataset's, or a split run's per-shard one.</summary>
    public static string FileName(GenerationOptions options, DatasetLayout layout) =>
        options.ShardIndex is int i ? DatasetManifest.ShardManifestFileName(i, layout.ShardCount) : DatasetManifest.FileName;
}
