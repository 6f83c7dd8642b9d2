using System.Text;
using System.Text.Json;
using PcfgLab.Storage;

namespace PcfgLab.Generation;

/// <summary>The <c>pcfglab</c> footer of each shard: what made the file and which documents it holds.</summary>
internal sealed class ShardFooter(GenerationOptions options, DatasetGrammar grammar, string grammarHash, DatasetLayout layout)
{
    /// <summary>The key-value metadata of shard <paramref name="shard"/>'s Parquet footer.</summary>
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

            json.WriteNumber("seed", options.Seed.Value);
            json.WriteString("profile", DatasetGenerator.ProfileName(options.Profile));
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
