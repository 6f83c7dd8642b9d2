using PcfgLab.Storage;

namespace PcfgLab.Tests.Storage;

public sealed class DatasetLayoutTests
{
    [Fact]
    public void Shards_cover_every_document_once_in_near_equal_parts()
    {
        var layout = DatasetLayout.For(1_000_001, 256, shardCount: 7);
        Assert.Equal(3907, layout.Documents); // ceil(1000001 / 256)
        var next = 0L;
        for (var s = 0; s < 7; s++)
        {
            Assert.Equal(next, layout.ShardStart(s));
            Assert.InRange(layout.ShardDocuments(s), 558, 559);
            next += layout.ShardDocuments(s);
        }

        Assert.Equal(layout.Documents, next);
        Assert.Equal(layout.Documents, layout.ShardStart(7));
    }

    [Fact]
    public void Defaults_depend_on_the_token_count_and_document_length_only()
    {
        Assert.Equal(1, DatasetLayout.DefaultShardCount(10_000_000));
        Assert.Equal(1, DatasetLayout.DefaultShardCount(50_000_000));
        Assert.Equal(2, DatasetLayout.DefaultShardCount(100_000_000));
        Assert.Equal(2000, DatasetLayout.DefaultShardCount(100_000_000_000));
        Assert.Equal(8192, DatasetLayout.For(1000, 256).RowGroupDocuments);
        Assert.Equal(2048, DatasetLayout.For(1000, 1024).RowGroupDocuments);
        Assert.Equal(8192, DatasetLayout.For(1000, 16).RowGroupDocuments);
        Assert.Equal(4, DatasetLayout.For(100_000, 256, 1, 100).ShardRowGroups(0)); // 391 documents in groups of 100
    }

    [Theory]
    [InlineData(0, 256, 1, 0)]
    [InlineData(-1, 256, 1, 0)]
    [InlineData(1000, 0, 1, 0)]
    [InlineData(1000, 256, 0, 0)]
    [InlineData(1000, 256, 5, 0)]
    [InlineData(1000, 256, 1, -2)]
    public void Impossible_layouts_are_user_errors(long tokens, int documentLength, int shards, int rowGroup)
    {
        Assert.Throws<UserInputException>(() => DatasetLayout.For(tokens, documentLength, shards, rowGroup));
    }

    [Fact]
    public void Token_counts_near_the_64_bit_limit_neither_overflow_nor_say_negative_documents()
    {
        // tokens + length - 1 overflowed: 2^63 - 1 tokens were "more than the -36028797018963967 documents".
        var ex = Assert.Throws<UserInputException>(() => DatasetLayout.For(long.MaxValue, 256));
        Assert.EndsWith(" 9223372036854775807 is too many: 36028797018963968 documents of 256 tokens do not fit in a 64-bit count; ask for at most 9223372036854775552.", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("-36", ex.Message, StringComparison.Ordinal);

        var layout = DatasetLayout.For(9223372036854775552, 256);
        Assert.Equal(36028797018963967, layout.Documents);
        Assert.Equal(9223372036854775552, layout.Tokens);
        Assert.Equal(99_999, layout.ShardCount);
        Assert.Equal(99_999, DatasetLayout.DefaultShardCount(long.MaxValue));
        Assert.Equal(2, DatasetLayout.DefaultShardCount(DatasetLayout.DefaultTokensPerShard + 1));
        Assert.Equal(1, DatasetLayout.DefaultShardCount(DatasetLayout.DefaultTokensPerShard));
    }
}
