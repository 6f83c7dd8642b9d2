using PcfgLab.Storage;

namespace PcfgLab.Tests.Storage;

public sealed class DatasetCardTests
{
    private static DatasetManifest Manifest() => new()
    {
        ToolVersion = "1.2.3+abc",
        CreatedAt = new DateTimeOffset(2026, 12, 6, 1, 2, 3, TimeSpan.Zero),
        Parameters = new Dictionary<string, string> { ["seed"] = "7", ["out"] = "/home/someone/data", ["tokens"] = "4M", ["threads"] = "2" },
        Spec = "(20,300,10,5)",
        Preset = "gzipscale-0.35",
        GrammarSource = "preset",
        GrammarSha256 = "ab12",
        Seed = new(7),
        DocumentLength = 256,
        Documents = 15625,
        Tokens = 4_000_000,
        MaxTokenId = 299,
        ShardCount = 2,
        Shards = [new("train-00000-of-00002.parquet", 0, 0, 8000, 2_048_000, 1000), new("train-00001-of-00002.parquet", 1, 8000, 7625, 1_952_000, 900)],
        Gzip = new GzipEntry(0.376953125, 0.01, 0.37, 0.35, 0.40, 1000, 0, "regenerated"),
    };

    [Fact]
    public void The_header_names_the_files_the_features_and_the_split_for_the_hub()
    {
        var card = DatasetCard.Render(Manifest());
        var header = card[..(card.IndexOf("\n---\n", 4, StringComparison.Ordinal) + 5)];
        Assert.Equal(
            "---\n"
            + "license: cc0-1.0\n"
            + "pretty_name: \"gzipscale-0.35\"\n"
            + "task_categories:\n- text-generation\n"
            + "tags:\n- synthetic\n- pcfg\n- scaling-laws\n- pcfglab\n"
            + "size_categories:\n- 10K<n<100K\n"
            + "configs:\n- config_name: default\n  data_files:\n  - split: train\n    path: \"train-*.parquet\"\n"
            + "dataset_info:\n  features:\n  - name: input_ids\n    sequence: int32\n"
            + "  splits:\n  - name: train\n    num_examples: 15625\n"
            + "  download_size: 1900\n"
            + "---\n",
            header);
    }

    [Fact]
    public void The_body_records_the_provenance_but_not_the_folder_or_the_time()
    {
        var card = DatasetCard.Render(Manifest());
        Assert.Contains("| tool | pcfglab 1.2.3+abc |", card, StringComparison.Ordinal);
        Assert.Contains("| grammar | preset gzipscale-0.35, spec (20,300,10,5), source preset |", card, StringComparison.Ordinal);
        Assert.Contains("| seed | 7 |", card, StringComparison.Ordinal);
        Assert.Contains("| parameters | --seed 7, --tokens 4M |", card, StringComparison.Ordinal);
        Assert.Contains("| gzip compressibility (median) | 0.3770 over 1000 documents (zlib-ng) |", card, StringComparison.Ordinal);
        Assert.Contains("a vocabulary of at least 300", card, StringComparison.Ordinal);
        Assert.DoesNotContain("/home/someone", card, StringComparison.Ordinal);

        // Same content, another time or thread count: the same card.
        Assert.Equal(card, DatasetCard.Render(Manifest() with
        {
            CreatedAt = DateTimeOffset.UnixEpoch,
            Parameters = new Dictionary<string, string> { ["seed"] = "7", ["out"] = "/elsewhere", ["tokens"] = "4M", ["threads"] = "16" },
        }));
    }

    [Fact]
    public void Names_with_quotes_are_quoted_in_yaml_and_pipes_escaped_in_tables()
    {
        var card = DatasetCard.Render(Manifest() with { Preset = null, Spec = null, GrammarSource = "my \"odd\" | grammar.pcfg" });
        Assert.Contains("pretty_name: \"pcfg dataset\"\n", card, StringComparison.Ordinal);
        Assert.Contains("source my \"odd\" \\| grammar.pcfg |", card, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(999, "n<1K")]
    [InlineData(1000, "1K<n<10K")]
    [InlineData(15625, "10K<n<100K")]
    [InlineData(429_688, "100K<n<1M")]
    [InlineData(2_000_000_000, "n>1B")]
    public void Size_categories_are_the_hubs(long rows, string expected) =>
        Assert.Equal(expected, DatasetCard.SizeCategory(rows));
}
