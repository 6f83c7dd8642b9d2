using Google.Protobuf;

namespace PcfgLab.Tests.Compression.Tokenization;

/// <summary>
/// Writes a tiny SentencePiece BPE model (sentencepiece_model.proto's ModelProto) by hand: pieces with scores,
/// a trainer spec saying BPE with unk/bos/eos ids 0/1/2, and an identity normalizer that adds the dummy prefix
/// and escapes spaces as U+2581.
/// </summary>
internal static class SentencePieceModelFile
{
    public static void Write(string path, IReadOnlyList<(string Piece, float Score, int Type)> pieces)
    {
        using var file = File.Create(path);
        var output = new CodedOutputStream(file);
        foreach (var (piece, score, type) in pieces)
        {
            var message = Message(o =>
            {
                o.WriteTag(1, WireFormat.WireType.LengthDelimited);
                o.WriteString(piece);
                o.WriteTag(2, WireFormat.WireType.Fixed32);
                o.WriteFloat(score);
                o.WriteTag(3, WireFormat.WireType.Varint);
                o.WriteEnum(type);
            });
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(message);
        }

        var trainer = Message(o =>
        {
            o.WriteTag(3, WireFormat.WireType.Varint);
            o.WriteEnum(2); // BPE
            o.WriteTag(4, WireFormat.WireType.Varint);
            o.WriteInt32(pieces.Count);
            o.WriteTag(40, WireFormat.WireType.Varint);
            o.WriteInt32(0);
            o.WriteTag(41, WireFormat.WireType.Varint);
            o.WriteInt32(1);
            o.WriteTag(42, WireFormat.WireType.Varint);
            o.WriteInt32(2);
            o.WriteTag(43, WireFormat.WireType.Varint);
            o.WriteInt32(-1);
        });
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(trainer);

        var normalizer = Message(o =>
        {
            o.WriteTag(1, WireFormat.WireType.LengthDelimited);
            o.WriteString("identity");
            o.WriteTag(3, WireFormat.WireType.Varint);
            o.WriteBool(true);
            o.WriteTag(4, WireFormat.WireType.Varint);
            o.WriteBool(true);
            o.WriteTag(5, WireFormat.WireType.Varint);
            o.WriteBool(true);
        });
        output.WriteTag(3, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(normalizer);
        output.Flush();
    }

    private static ByteString Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        write(output);
        output.Flush();
        return ByteString.CopyFrom(buffer.ToArray());
    }
}
