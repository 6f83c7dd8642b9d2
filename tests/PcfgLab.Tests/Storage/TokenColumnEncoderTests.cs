using Parquet;
using PcfgLab.Storage;

namespace PcfgLab.Tests.Storage;

public sealed class TokenColumnEncoderTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("pcfglab-encoder-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void PackRuns_writes_the_parquet_specifications_example()
    {
        // parquet-format Encodings.md: 0..7 with bit width 3 pack to 10001000 11000110 11111010, after the run
        // header (1 group << 1) | 1.
        var destination = new byte[8];
        var written = TokenColumnEncoder.PackRuns([0, 1, 2, 3, 4, 5, 6, 7], 3, destination);
        Assert.Equal(4, written);
        Assert.Equal(new byte[] { 0x03, 0b1000_1000, 0b1100_0110, 0b1111_1010 }, destination[..4]);
    }

    [Fact]
    public void PackRuns_splits_long_input_into_runs_of_63_groups_and_pads_the_last()
    {
        // 1000 values of width 9: one full run of 504 (header 0x7F, 567 bytes), then 496 = 62 groups (header 0x7D).
        var values = Enumerable.Range(0, 1000).Select(i => i % 300).ToArray();
        var destination = new byte[2000];
        var written = TokenColumnEncoder.PackRuns(values, 9, destination);
        Assert.Equal(1 + 567 + 1 + (62 * 9), written);
        Assert.Equal(0x7F, destination[0]);
        Assert.Equal(0x7D, destination[568]);

        // 3 values: one group, padded with zeros.
        written = TokenColumnEncoder.PackRuns([1, 1, 1], 1, destination);
        Assert.Equal(2, written);
        Assert.Equal(new byte[] { 0x03, 0b0000_0111 }, destination[..2]);
    }

    [Fact]
    public void PackRuns_matches_bit_by_bit_packing_for_every_width()
    {
        // The word-at-a-time paths (widths up to 16, and the general one) against the specification, bit by bit.
        var random = new Random(12);
        for (var width = 1; width <= 24; width++)
        {
            foreach (var count in new[] { 1, 8, 13, 503, 504, 505, 1700 })
            {
                var values = Enumerable.Range(0, count).Select(_ => random.Next(1 << width)).ToArray();
                var destination = new byte[(count * 4) + 64];
                var written = TokenColumnEncoder.PackRuns(values, width, destination);
                Assert.Equal(Reference(values, width), destination[..written]);
            }
        }

        static byte[] Reference(int[] values, int width)
        {
            var result = new List<byte>();
            for (var start = 0; start < values.Length; start += 504)
            {
                var run = values.Skip(start).Take(504).ToArray();
                var groups = (run.Length + 7) / 8;
                result.Add((byte)((groups << 1) | 1));
                var bits = new bool[groups * 8 * width];
                for (var i = 0; i < run.Length; i++)
                {
                    for (var b = 0; b < width; b++)
                    {
                        bits[(i * width) + b] = ((run[i] >> b) & 1) == 1;
                    }
                }

                for (var i = 0; i < bits.Length; i += 8)
                {
                    var value = 0;
                    for (var b = 0; b < 8; b++)
                    {
                        value |= bits[i + b] ? 1 << b : 0;
                    }

                    result.Add((byte)value);
                }
            }

            return [.. result];
        }
    }

    [Theory]
    [InlineData(0, 299, 2_000_000, true)]
    [InlineData(0, 299, 35, false)] // 300 entries cost more than 35 tokens save
    [InlineData(0, 0, 10, true)]
    [InlineData(-1, 5, 1_000_000, false)] // negative ids have no identity dictionary
    [InlineData(0, 2000, 37, false)]
    [InlineData(0, 100_255, 2_000_000, true)] // cl100k ids in a full row group: 17 bits
    public void The_dictionary_is_used_when_it_costs_less_than_packing_saves(int min, int max, int count, bool expected) =>
        Assert.Equal(expected, TokenColumnEncoder.UsesDictionary(min, max, count));

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(299, 9)]
    [InlineData(511, 9)]
    [InlineData(512, 10)]
    [InlineData(int.MaxValue, 31)]
    public void BitWidth_is_the_bits_of_the_largest_index(int max, int width) =>
        Assert.Equal(width, TokenColumnEncoder.BitWidth(max));

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(33)]
    public void MinMax_finds_both_ends_wherever_they_are(int length)
    {
        for (var at = 0; at < length; at++)
        {
            var values = Enumerable.Repeat(5, length).ToArray();
            values[at] = -3;
            values[(at + 1) % length] = 9;
            var expected = length == 1 ? (9, 9) : (-3, 9);
            Assert.Equal(expected, TokenColumnEncoder.MinMax(values));
        }
    }

    [Theory]
    [InlineData(new[] { 0, 0, 0, 0 }, "dictionary")] // width 1, one entry
    [InlineData(new[] { 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0 }, "dictionary")]
    [InlineData(new[] { 70_000, 3, 65_535, 1 }, "plain")] // large next to the row group
    [InlineData(new[] { -5, 3, int.MinValue, int.MaxValue }, "plain")]
    public async Task Both_encodings_read_back_exactly_with_parquet_net(int[] pattern, string encoding)
    {
        // Enough repetitions for the dictionary where it pays; the documents are 4 tokens long.
        var tokens = Enumerable.Range(0, 2048).SelectMany(_ => pattern).ToArray();
        var path = Path.Combine(_folder.FullName, encoding + ".parquet");
        await using (var writer = await ParquetDatasetWriter.CreateAsync(path, ParquetCompression.Default))
        {
            await writer.WriteRowGroupAsync(tokens, 4);
            await writer.CompleteAsync();
        }

        await using (var reader = await ParquetReader.CreateAsync(path))
        {
            var column = reader.RowGroups[0].RowGroup.Columns[0].MetaData!;
            Assert.Equal(encoding == "dictionary", column.DictionaryPageOffset is not null);
            Assert.Equal(tokens.Min(), BitConverter.ToInt32(column.Statistics!.MinValue));
            Assert.Equal(tokens.Max(), BitConverter.ToInt32(column.Statistics!.MaxValue));
        }

        var read = new List<int>();
        await foreach (var document in ParquetDatasetReader.Open(path).ReadDocumentsAsync())
        {
            Assert.Equal(4, document.Length);
            read.AddRange(document);
        }

        Assert.Equal(tokens, read.ToArray());
    }

    [Fact]
    public async Task A_row_group_of_empty_documents_only_reads_back_as_empty_lists()
    {
        var path = Path.Combine(_folder.FullName, "empty.parquet");
        await using (var writer = await ParquetDatasetWriter.CreateAsync(path, ParquetCompression.Parse("zstd", 1)))
        {
            await writer.WriteRowGroupAsync(ReadOnlyMemory<int>.Empty, new[] { 0, 0, 0 });
            await writer.WriteRowGroupAsync(new[] { 4, 5 }, new[] { 0, 2, 0 });
            await writer.CompleteAsync();
            Assert.Equal(5, writer.MaxTokenId);
        }

        var lengths = new List<int>();
        await foreach (var document in ParquetDatasetReader.Open(path).ReadDocumentsAsync())
        {
            lengths.Add(document.Length);
        }

        Assert.Equal([0, 0, 0, 0, 2, 0], lengths);
    }

    [Fact]
    public async Task The_file_is_smaller_with_the_dictionary_for_a_small_vocabulary()
    {
        // 300 ids, 9 bits each instead of 32 bits: without compression the data page is 9/32 of PLAIN, plus levels.
        var tokens = Enumerable.Range(0, 8192 * 16).Select(i => (int)((i * 2654435761L) % 300)).ToArray();
        var path = Path.Combine(_folder.FullName, "size.parquet");
        long bytes;
        await using (var writer = await ParquetDatasetWriter.CreateAsync(path, ParquetCompression.Parse("none")))
        {
            await writer.WriteRowGroupAsync(tokens, 16);
            bytes = await writer.CompleteAsync();
        }

        var packed = tokens.Length * 9 / 8;
        Assert.InRange(bytes, packed, packed + (packed / 50) + 8192 * 5 + 2000);
    }
}
