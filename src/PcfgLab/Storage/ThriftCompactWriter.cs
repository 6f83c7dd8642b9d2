using System.Buffers.Binary;
using System.Text;

namespace PcfgLab.Storage;

/// <summary>
/// The few pieces of the Thrift compact protocol that Parquet's page headers and footer need: structs, i32/i64
/// fields, booleans, binaries, lists of i32, strings and structs. Appends to a growable buffer that is reused
/// across calls (<see cref="Clear"/>). Field ids must rise within a struct, as the schema's structs list them.
/// </summary>
internal sealed class ThriftCompactWriter
{
    private const byte TypeTrue = 1;
    private const byte TypeFalse = 2;
    private const byte TypeByte = 3;
    private const byte TypeI32 = 5;
    private const byte TypeI64 = 6;
    private const byte TypeBinary = 8;
    private const byte TypeList = 9;
    private const byte TypeStruct = 12;

    private readonly Stack<short> _lastFields = new();
    private byte[] _buffer = new byte[256];
    private short _lastField;

    /// <summary>Bytes written since the last <see cref="Clear"/>.</summary>
    public int Length { get; private set; }

    /// <summary>The bytes written.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    /// <summary>Forgets what was written (keeps the buffer).</summary>
    public void Clear()
    {
        Length = 0;
        _lastField = 0;
        _lastFields.Clear();
    }

    /// <summary>Opens a struct-valued field (or, with id 0, a list element or the top-level struct).</summary>
    public void BeginStruct(short fieldId = 0)
    {
        if (fieldId != 0)
        {
            FieldHeader(fieldId, TypeStruct);
        }

        _lastFields.Push(_lastField);
        _lastField = 0;
    }

    /// <summary>Closes the struct opened last.</summary>
    public void EndStruct()
    {
        WriteByte(0);
        _lastField = _lastFields.Pop();
    }

    /// <summary>An i32 field.</summary>
    public void I32(short fieldId, int value)
    {
        FieldHeader(fieldId, TypeI32);
        VarInt(ZigZag(value));
    }

    /// <summary>An i64 field.</summary>
    public void I64(short fieldId, long value)
    {
        FieldHeader(fieldId, TypeI64);
        VarInt(ZigZag(value));
    }

    /// <summary>A byte (i8) field.</summary>
    public void I8(short fieldId, sbyte value)
    {
        FieldHeader(fieldId, TypeByte);
        WriteByte(unchecked((byte)value));
    }

    /// <summary>A boolean field.</summary>
    public void Bool(short fieldId, bool value) => FieldHeader(fieldId, value ? TypeTrue : TypeFalse);

    /// <summary>A binary field.</summary>
    public void Binary(short fieldId, ReadOnlySpan<byte> value)
    {
        FieldHeader(fieldId, TypeBinary);
        BinaryValue(value);
    }

    /// <summary>A string field (UTF-8).</summary>
    public void String(short fieldId, string value)
    {
        FieldHeader(fieldId, TypeBinary);
        StringValue(value);
    }

    /// <summary>A binary field holding one little-endian int32 (Parquet's statistics of an INT32 column).</summary>
    public void Int32Binary(short fieldId, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        Binary(fieldId, bytes);
    }

    /// <summary>A list&lt;i32&gt; field.</summary>
    public void I32List(short fieldId, ReadOnlySpan<int> values)
    {
        ListHeader(fieldId, TypeI32, values.Length);
        foreach (var value in values)
        {
            VarInt(ZigZag(value));
        }
    }

    /// <summary>A list&lt;string&gt; field.</summary>
    public void StringList(short fieldId, ReadOnlySpan<string> values)
    {
        ListHeader(fieldId, TypeBinary, values.Length);
        foreach (var value in values)
        {
            StringValue(value);
        }
    }

    /// <summary>Opens a list&lt;struct&gt; field of <paramref name="count"/> elements, each then written with <see cref="BeginStruct"/>(0).</summary>
    public void StructList(short fieldId, int count) => ListHeader(fieldId, TypeStruct, count);

    private void ListHeader(short fieldId, byte elementType, int count)
    {
        FieldHeader(fieldId, TypeList);
        if (count < 15)
        {
            WriteByte((byte)((count << 4) | elementType));
        }
        else
        {
            WriteByte((byte)(0xF0 | elementType));
            VarInt((uint)count);
        }
    }

    private void FieldHeader(short fieldId, byte type)
    {
        var delta = fieldId - _lastField;
        if (delta is > 0 and <= 15)
        {
            WriteByte((byte)((delta << 4) | type));
        }
        else
        {
            WriteByte(type);
            VarInt(ZigZag((int)fieldId));
        }

        _lastField = fieldId;
    }

    private void BinaryValue(ReadOnlySpan<byte> value)
    {
        VarInt((uint)value.Length);
        Ensure(value.Length);
        value.CopyTo(_buffer.AsSpan(Length));
        Length += value.Length;
    }

    private void StringValue(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        VarInt((uint)count);
        Ensure(count);
        Length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(Length));
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private static uint ZigZag(int value) => (uint)((value << 1) ^ (value >> 31));

    private void VarInt(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[Length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[Length++] = (byte)value;
    }

    private void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[Length++] = value;
    }

    private void Ensure(int more)
    {
        if (Length + more > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + more));
        }
    }
}
