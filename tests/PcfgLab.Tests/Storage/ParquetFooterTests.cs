using Parquet;
using PcfgLab.Storage;

namespace PcfgLab.Tests.Storage;

public sealed class ParquetFooterTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("pcfglab-footer-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Parquet_net_reads_the_schema_row_groups_statistics_and_keys()
    {
        var path = Path.Combine(_folder.FullName, "f.parquet");
        await using (var writer = await ParquetDatasetWriter.CreateAsync(path, ParquetCompression.Default, new Dictionary<string, string> { ["pcfglab"] = "{}" }))
        {
            await writer.WriteRowGroupAsync(Enumerable.Range(0, 4096).Select(i => i % 7).ToArray(), 8);
            await writer.WriteRowGroupAsync(new[] { 3, 9, 4 }, new[] { 1, 0, 2 });
            await writer.CompleteAsync();
        }

        await using var reader = await ParquetReader.CreateAsync(path);
        Assert.Equal(ParquetDatasetWriter.CreateSchema(), reader.Schema);
        Assert.Equal(2, reader.RowGroupCount);
        Assert.Equal(512, reader.RowGroups[0].RowCount);
        Assert.Equal(3, reader.RowGroups[1].RowCount);
        Assert.Equal(["huggingface", "pcfglab"], reader.CustomMetadata.Keys.Order(StringComparer.Ordinal).ToArray());
        var first = reader.RowGroups[0].RowGroup.Columns[0].MetaData!;
        Assert.Equal(["input_ids", "list", "element"], first.PathInSchema);
        Assert.Equal(Parquet.Meta.CompressionCodec.SNAPPY, first.Codec);
        Assert.Equal(4096, first.NumValues);
        Assert.Equal(0, first.Statistics!.NullCount);
        var second = reader.RowGroups[1].RowGroup.Columns[0].MetaData!;
        Assert.Equal(4, second.NumValues); // three tokens and one empty list
        Assert.Equal(1, second.Statistics!.NullCount);
        Assert.Equal(3, BitConverter.ToInt32(second.Statistics.MinValue));
        Assert.Equal(9, BitConverter.ToInt32(second.Statistics.MaxValue));
        Assert.Equal(ParquetFooter.CreatedBy, reader.Metadata!.CreatedBy);
        Assert.DoesNotContain("+", ParquetFooter.CreatedBy, StringComparison.Ordinal); // no commit: bytes do not depend on the build
    }
}
