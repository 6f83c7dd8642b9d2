using PcfgLab.Storage;

namespace PcfgLab.Tests.Storage;

public sealed class ThriftCompactWriterTests
{
    [Fact]
    public void Fields_use_short_headers_for_small_deltas_and_zigzag_varints()
    {
        var w = new ThriftCompactWriter();
        w.BeginStruct();
        w.I32(1, 5); // delta 1, type 5: 0x15; zigzag 5 = 10
        w.I32(2, -1); // zigzag -1 = 1
        w.I64(3, 300); // zigzag 600 = 0xD8 0x04
        w.Bool(4, true); // type 1 in the header
        w.Bool(5, false); // type 2
        w.EndStruct();
        Assert.Equal(new byte[] { 0x15, 0x0A, 0x15, 0x01, 0x16, 0xD8, 0x04, 0x11, 0x12, 0x00 }, w.Written.ToArray());
    }

    [Fact]
    public void A_field_id_jump_over_15_uses_the_long_header()
    {
        var w = new ThriftCompactWriter();
        w.BeginStruct();
        w.I32(17, 1); // type byte, then zigzag(17) = 34
        w.EndStruct();
        Assert.Equal(new byte[] { 0x05, 0x22, 0x02, 0x00 }, w.Written.ToArray());
    }

    [Fact]
    public void Lists_strings_and_nested_structs()
    {
        var w = new ThriftCompactWriter();
        w.BeginStruct();
        w.StringList(1, ["ab"]); // list header (1 << 4) | 8, then length 2 and the bytes
        w.BeginStruct(2); // nested struct restarts field ids
        w.I32(1, 0);
        w.EndStruct();
        w.I32List(3, new int[15]); // 15 elements: long list header 0xF5, count 15
        w.EndStruct();
        var expected = new List<byte> { 0x19, 0x18, 0x02, (byte)'a', (byte)'b', 0x1C, 0x15, 0x00, 0x00, 0x19, 0xF5, 0x0F };
        expected.AddRange(new byte[15]);
        expected.Add(0x00);
        Assert.Equal(expected.ToArray(), w.Written.ToArray());
    }

    [Fact]
    public void Clear_starts_over_with_the_same_buffer()
    {
        var w = new ThriftCompactWriter();
        w.BeginStruct();
        w.Binary(1, new byte[1000]);
        w.Clear();
        w.BeginStruct();
        w.EndStruct();
        Assert.Equal(new byte[] { 0x00 }, w.Written.ToArray());
    }
}
