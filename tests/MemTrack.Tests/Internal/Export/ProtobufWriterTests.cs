using Google.Protobuf;
using MemTrack.Internal.Export;

namespace MemTrack.Tests.Internal.Export;

public class ProtobufWriterTests
{
    [Theory]
    [InlineData(0UL, new byte[] { 0x00 })]
    [InlineData(1UL, new byte[] { 0x01 })]
    [InlineData(127UL, new byte[] { 0x7f })]
    [InlineData(128UL, new byte[] { 0x80, 0x01 })]
    [InlineData(300UL, new byte[] { 0xac, 0x02 })]
    [InlineData(ulong.MaxValue, new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 })]
    public void Varints_are_base_128_little_endian(ulong value, byte[] expected)
    {
        var writer = new ProtobufWriter();
        writer.WriteVarint(value);
        Assert.Equal(expected, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Zero_scalars_are_left_out_and_negative_int64_takes_ten_bytes()
    {
        var writer = new ProtobufWriter();
        writer.WriteInt64(1, 0);
        writer.WriteUInt64(2, 0);
        writer.WriteBool(3, false);
        Assert.Equal(0, writer.WrittenSpan.Length);
        writer.WriteBool(3, true);
        Assert.Equal(new byte[] { 0x18, 0x01 }, writer.WrittenSpan.ToArray());
        writer = new ProtobufWriter();
        writer.WriteInt64(1, -1);
        Assert.Equal(new byte[] { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 }, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Fields_read_back_with_the_protobuf_library()
    {
        var nested = new ProtobufWriter();
        nested.WriteInt64(1, 42);
        var writer = new ProtobufWriter();
        writer.WriteInt64(1, -5);
        writer.WriteUInt64(2, 1UL << 40);
        writer.WriteString(3, string.Empty);
        writer.WriteString(3, "héllo");
        writer.WritePacked(4, [1UL, 300UL, 0UL]);
        writer.WritePacked(5, []);
        writer.WriteMessage(6, nested);
        writer.WriteMessage(7, new ProtobufWriter());

        var input = new CodedInputStream(writer.WrittenSpan.ToArray());
        Assert.Equal(WireFormat.MakeTag(1, WireFormat.WireType.Varint), input.ReadTag());
        Assert.Equal(-5, input.ReadInt64());
        Assert.Equal(WireFormat.MakeTag(2, WireFormat.WireType.Varint), input.ReadTag());
        Assert.Equal(1UL << 40, input.ReadUInt64());
        Assert.Equal(WireFormat.MakeTag(3, WireFormat.WireType.LengthDelimited), input.ReadTag());
        Assert.Equal(string.Empty, input.ReadString());
        Assert.Equal(WireFormat.MakeTag(3, WireFormat.WireType.LengthDelimited), input.ReadTag());
        Assert.Equal("héllo", input.ReadString());
        Assert.Equal(WireFormat.MakeTag(4, WireFormat.WireType.LengthDelimited), input.ReadTag());
        ByteString packed = input.ReadBytes();
        var values = new CodedInputStream(packed.ToByteArray());
        Assert.Equal((1UL, 300UL, 0UL), (values.ReadUInt64(), values.ReadUInt64(), values.ReadUInt64()));
        Assert.True(values.IsAtEnd);

        // The empty packed field is left out; the empty message is not.
        Assert.Equal(WireFormat.MakeTag(6, WireFormat.WireType.LengthDelimited), input.ReadTag());
        Assert.Equal(new byte[] { 0x08, 42 }, input.ReadBytes().ToByteArray());
        Assert.Equal(WireFormat.MakeTag(7, WireFormat.WireType.LengthDelimited), input.ReadTag());
        Assert.Equal(0, input.ReadBytes().Length);
        Assert.True(input.IsAtEnd);
    }
}
