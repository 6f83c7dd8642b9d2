namespace PcfgLab.Storage;

/// <summary>
/// The footer (Thrift <c>FileMetaData</c>) of a token file: the schema <c>input_ids: list&lt;int32&gt;</c> in the
/// three-level form every reader expects (optional group with LIST annotation, repeated group <c>list</c>, required
/// int32 <c>element</c>), one column chunk per row group with its statistics, and the footer key/values.
/// Field ids are those of parquet.thrift.
/// </summary>
internal static class ParquetFooter
{
    /// <summary>
    /// The writer's name in the footer's <c>created_by</c>, in the "app version x.y.z" form readers parse; without the
    /// build's commit, so that a file's bytes depend on its documents, not on which build wrote them.
    /// </summary>
    internal static readonly string CreatedBy = ToolInfo.Name + " version " + ToolInfo.Version.Split('+')[0];

    private static readonly string[] Path = [ParquetDatasetWriter.TokenColumn, "list", "element"];

    /// <summary>The serialised footer.</summary>
    public static byte[] Write(IReadOnlyList<TokenColumnChunk> chunks, IReadOnlyList<KeyValuePair<string, string>> keyValues, int codec)
    {
        var rows = 0L;
        foreach (var chunk in chunks)
        {
            rows += chunk.Rows;
        }

        var w = new ThriftCompactWriter();
        w.BeginStruct();
        w.I32(1, 1); // version
        w.StructList(2, 4); // schema, depth first
        w.BeginStruct();
        w.String(4, "schema");
        w.I32(5, 1);
        w.EndStruct();
        w.BeginStruct();
        w.I32(3, 1); // OPTIONAL
        w.String(4, ParquetDatasetWriter.TokenColumn);
        w.I32(5, 1);
        w.I32(6, 3); // converted type LIST
        w.BeginStruct(10); // logical type
        w.BeginStruct(3); // LIST
        w.EndStruct();
        w.EndStruct();
        w.EndStruct();
        w.BeginStruct();
        w.I32(3, 2); // REPEATED
        w.String(4, "list");
        w.I32(5, 1);
        w.EndStruct();
        w.BeginStruct();
        w.I32(1, 1); // INT32
        w.I32(3, 0); // REQUIRED
        w.String(4, "element");
        w.I32(6, 17); // converted type INT_32
        w.BeginStruct(10); // logical type
        w.BeginStruct(10); // INTEGER
        w.I8(1, 32);
        w.Bool(2, true);
        w.EndStruct();
        w.EndStruct();
        w.EndStruct();

        w.I64(3, rows);
        w.StructList(4, chunks.Count);
        foreach (var chunk in chunks)
        {
            WriteRowGroup(w, chunk, codec);
        }

        w.StructList(5, keyValues.Count);
        foreach (var (key, value) in keyValues)
        {
            w.BeginStruct();
            w.String(1, key);
            w.String(2, value);
            w.EndStruct();
        }

        w.String(6, CreatedBy);

        // Column order: min and max are compared as signed int32 (lets readers trust min_value / max_value).
        w.StructList(7, 1);
        w.BeginStruct();
        w.BeginStruct(1);
        w.EndStruct();
        w.EndStruct();
        w.EndStruct();
        return w.Written.ToArray();
    }

    private static void WriteRowGroup(ThriftCompactWriter w, TokenColumnChunk chunk, int codec)
    {
        w.BeginStruct();
        w.StructList(1, 1);
        w.BeginStruct(); // ColumnChunk
        w.I64(2, chunk.Start);
        w.BeginStruct(3); // ColumnMetaData
        w.I32(1, 1); // INT32
        w.I32List(2, chunk.HasDictionary
            ? [TokenColumnEncoder.Plain, TokenColumnEncoder.Rle, TokenColumnEncoder.RleDictionary]
            : [TokenColumnEncoder.Plain, TokenColumnEncoder.Rle]);
        w.StringList(3, Path);
        w.I32(4, codec);
        w.I64(5, chunk.LevelCount);
        w.I64(6, chunk.UncompressedBytes);
        w.I64(7, chunk.CompressedBytes);
        w.I64(9, chunk.DataPageOffset);
        if (chunk.HasDictionary)
        {
            w.I64(11, chunk.DictionaryPageOffset);
        }

        if (chunk.LevelCount > chunk.NullCount)
        {
            // Statistics only when there is a value (an all-empty row group has no min or max).
            w.BeginStruct(12);
            w.Int32Binary(1, chunk.Max);
            w.Int32Binary(2, chunk.Min);
            w.I64(3, chunk.NullCount);
            w.Int32Binary(5, chunk.Max);
            w.Int32Binary(6, chunk.Min);
            w.EndStruct();
        }
        else
        {
            w.BeginStruct(12);
            w.I64(3, chunk.NullCount);
            w.EndStruct();
        }

        w.EndStruct();
        w.EndStruct();
        w.I64(2, chunk.UncompressedBytes);
        w.I64(3, chunk.Rows);
        w.I64(5, chunk.Start);
        w.I64(6, chunk.CompressedBytes);
        w.EndStruct();
    }
}
