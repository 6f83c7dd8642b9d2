using Parquet;
using PcfgLab.Storage;

namespace PcfgLab.Tests.Storage;

public sealed class ParquetDatasetWriterTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("pcfglab-writer-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Theory]
    [InlineData("snappy", 3)]
    [InlineData("zstd", 1)]
    [InlineData("zstd", 3)]
    [InlineData("none", 3)]
    public async Task Fixed_length_row_groups_read_back_exactly(string codec, int level)
    {
        var path = Path.Combine(_folder.FullName, ParquetDatasetWriter.ShardFileName(0, 1));
        var tokens = Enumerable.Range(0, 7 * 5).Select(i => (i * 37) % 301).ToArray();
        await using (var writer = await ParquetDatasetWriter.CreateAsync(path, ParquetCompression.Parse(codec, level)))
        {
            await writer.WriteRowGroupAsync(tokens.AsMemory(0, 4 * 5), 5);
            await writer.WriteRowGroupAsync(tokens.AsMemory(4 * 5), 5);
            Assert.False(File.Exists(path)); // still under its temporary name
            await writer.CompleteAsync();
            Assert.Equal(7, writer.DocumentCount);
            Assert.Equal(35, writer.TokenCount);
            Assert.Equal(2, writer.RowGroupCount);
        }

        Assert.True(File.Exists(path));
        Assert.Single(Directory.GetFiles(_folder.FullName)); // the temporary file is gone
        var docs = await ReadAll(path);
        Assert.Equal(7, docs.Count);
        for (var d = 0; d < 7; d++)
        {
            Assert.Equal(tokens.AsSpan(d * 5, 5).ToArray(), docs[d]);
        }
    }

    [Fact]
    public async Task Variable_length_documents_including_empty_ones_read_back_exactly()
    {
        var path = Path.Combine(_folder.FullName, "v.parquet");
        int[] lengths = [255, 256, 0, 1, 255];
        var tokens = Enumerable.Range(0, lengths.Sum()).ToArray();
        await using (var writer = await ParquetDatasetWriter.CreateAsync(path, ParquetCompression.Default))
        {
            await writer.WriteRowGroupAsync(tokens.AsMemory(0, 511), lengths.AsMemory(0, 2));
            await writer.WriteRowGroupAsync(tokens.AsMemory(511), lengths.AsMemory(2));
            await writer.CompleteAsync();
        }

        var docs = await ReadAll(path);
        Assert.Equal(lengths, docs.Select(d => d.Length).ToArray());
        Assert.Equal(tokens, docs.SelectMany(d => d).ToArray());
    }

    [Fact]
    public async Task The_largest_token_id_written_is_tracked_across_row_groups()
    {
        var path = Path.Combine(_folder.FullName, "max.parquet");
        await using var writer = await ParquetDatasetWriter.CreateAsync(path, ParquetCompression.Default);
        Assert.Equal(-1, writer.MaxTokenId);
        // 37 tokens: the vectorised part and the scalar tail both see values; the largest sits in the tail once.
        var first = Enumerable.Range(0, 37).Select(i => i % 5).ToArray();
        first[36] = 2000;
        await writer.WriteRowGroupAsync(first, new[] { 37 });
        var second = Enumerable.Repeat(7, 64).ToArray();
        second[3] = 2001; // the vectorised part this time
        await writer.WriteRowGroupAsync(second, 8);
        Assert.Equal(2001, writer.MaxTokenId);
        await writer.WriteRowGroupAsync(new int[] { 1, 2 }, 2);
        Assert.Equal(2001, writer.MaxTokenId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(33)]
    public void MaxOf_finds_the_largest_value_wherever_it_is(int length)
    {
        Assert.Equal(-1, ParquetDatasetWriter.MaxOf([]));
        for (var at = 0; at < length; at++)
        {
            var values = new int[length];
            values[at] = 99;
            Assert.Equal(99, ParquetDatasetWriter.MaxOf(values));
        }
    }

    [Fact]
    public async Task Larger_row_group_after_a_smaller_one_keeps_correct_levels()
    {
        var path = Path.Combine(_folder.FullName, "g.parquet");
        var tokens = Enumerable.Range(1, 40).ToArray();
        await using (var writer = await ParquetDatasetWriter.CreateAsync(path, ParquetCompression.Default))
        {
            await writer.WriteRowGroupAsync(tokens.AsMemory(0, 8), 4);
            await writer.WriteRowGroupAsync(tokens.AsMemory(8, 32), 4);
            await writer.CompleteAsync();
        }

        var docs = await ReadAll(path);
        Assert.Equal(10, docs.Count);
        Assert.All(docs, d => Assert.Equal(4, d.Length));
        Assert.Equal(tokens, docs.SelectMany(d => d).ToArray());
    }

    [Fact]
    public async Task Footer_carries_the_hugging_face_features_and_the_callers_keys()
    {
        var path = Path.Combine(_folder.FullName, "m.parquet");
        await using (var writer = await ParquetDatasetWriter.CreateAsync(path, ParquetCompression.Default, new Dictionary<string, string> { ["pcfglab"] = "{\"seed\":1}" }))
        {
            await writer.WriteRowGroupAsync(new[] { 1, 2 }, 2);
            await writer.CompleteAsync();
        }

        await using var reader = await ParquetReader.CreateAsync(path);
        Assert.Equal(ParquetDatasetWriter.HuggingFaceFeatures, reader.CustomMetadata["huggingface"]);
        Assert.Equal("{\"seed\":1}", reader.CustomMetadata["pcfglab"]);
    }

    /// <summary>Feature type names <c>datasets</c> 3.x reads (features.py's _FEATURE_TYPES of 3.6: no <c>List</c>).</summary>
    private static readonly string[] Datasets3Types =
        ["Value", "ClassLabel", "Translation", "TranslationVariableLanguages", "LargeList", "Sequence", "Array2D", "Array3D", "Array4D", "Array5D", "Audio", "Image", "Video", "Pdf"];

    /// <summary>Feature type names <c>datasets</c> 4.x reads (<c>List</c> is new; <c>Sequence</c> kept for backward compatibility).</summary>
    private static readonly string[] Datasets4Types =
        ["Value", "ClassLabel", "Translation", "TranslationVariableLanguages", "LargeList", "List", "Sequence", "Array2D", "Array3D", "Array4D", "Array5D", "Audio", "Image", "Video", "Pdf"];

    /// <summary>The feature types of a <c>huggingface</c> footer that <paramref name="known"/> does not read, and Sequences without a length (3.x's older readers index it).</summary>
    private static List<string> Unreadable(string json, string[] known)
    {
        var problems = new List<string>();
        void Walk(System.Text.Json.JsonElement e)
        {
            if (e.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                return;
            }

            if (e.TryGetProperty("_type", out var type))
            {
                var name = type.GetString()!;
                if (!known.Contains(name))
                {
                    problems.Add(name);
                }
                else if (name == "Sequence" && !e.TryGetProperty("length", out _))
                {
                    problems.Add("Sequence without length");
                }
            }

            foreach (var p in e.EnumerateObject())
            {
                Walk(p.Value);
            }
        }

        Walk(System.Text.Json.JsonDocument.Parse(json).RootElement);
        return problems;
    }

    [Fact]
    public void The_hugging_face_features_are_read_by_datasets_3_and_4()
    {
        Assert.Empty(Unreadable(ParquetDatasetWriter.HuggingFaceFeatures, Datasets3Types));
        Assert.Empty(Unreadable(ParquetDatasetWriter.HuggingFaceFeatures, Datasets4Types));

        // The check can fail: the description written before issue 22 used List, which 3.x does not know.
        const string before = "{\"info\":{\"features\":{\"input_ids\":{\"feature\":{\"dtype\":\"int32\",\"_type\":\"Value\"},\"_type\":\"List\"}}}}";
        Assert.Equal(["List"], Unreadable(before, Datasets3Types));
        Assert.Empty(Unreadable(before, Datasets4Types));
    }

    [Fact]
    public async Task Disposing_without_commit_deletes_the_temporary_file()
    {
        var path = Path.Combine(_folder.FullName, "x.parquet");
        await using (var writer = await ParquetDatasetWriter.CreateAsync(path, ParquetCompression.Default))
        {
            await writer.WriteRowGroupAsync(new[] { 1, 2, 3, 4 }, 2);
            Assert.True(File.Exists(writer.TemporaryPath));
        }

        Assert.Empty(Directory.GetFiles(_folder.FullName));
    }

    [Fact]
    public async Task Row_groups_that_are_not_whole_documents_are_refused()
    {
        await using var writer = await ParquetDatasetWriter.CreateAsync(Path.Combine(_folder.FullName, "r.parquet"), ParquetCompression.Default);
        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteRowGroupAsync(new[] { 1, 2, 3 }, 2));
        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteRowGroupAsync(new[] { 1, 2, 3 }, new[] { 1, 1 }));
        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteRowGroupAsync(Array.Empty<int>(), Array.Empty<int>()));
    }

    [Fact]
    public void Shard_names_follow_the_hugging_face_convention()
    {
        Assert.Equal("train-00000-of-00001.parquet", ParquetDatasetWriter.ShardFileName(0, 1));
        Assert.Equal("train-00012-of-00345.parquet", ParquetDatasetWriter.ShardFileName(12, 345));
        Assert.Throws<ArgumentOutOfRangeException>(() => ParquetDatasetWriter.ShardFileName(3, 3));
    }

    [Fact]
    public void Zstd_levels_other_than_1_3_19_are_refused()
    {
        Assert.Throws<UserInputException>(() => ParquetCompression.Parse("zstd", 7));
        Assert.Throws<UserInputException>(() => ParquetCompression.Parse("lzma"));
        Assert.Equal("zstd-19", ParquetCompression.Parse("ZSTD", 19).ToString());
    }

    private static async Task<List<int[]>> ReadAll(string path)
    {
        var list = new List<int[]>();
        await foreach (var doc in ParquetDatasetReader.Open(path).ReadDocumentsAsync())
        {
            list.Add(doc);
        }

        return list;
    }
}
