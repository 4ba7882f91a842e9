using System.Buffers;
using System.Text;

namespace MemTrack.Internal.Export;

/// <summary>
/// The protocol buffers wire format, as much of it as <see cref="PprofWriter"/> needs: varint fields (int64, uint64,
/// bool), strings, packed repeated varints and embedded messages (built in their own writer, then copied with their
/// length in front). As proto3 does, scalar fields whose value is 0 are left out.
/// </summary>
internal sealed class ProtobufWriter
{
    private const int WireTypeVarint = 0;
    private const int WireTypeLengthDelimited = 2;
    private const int MaxVarintBytes = 10;

    private readonly ArrayBufferWriter<byte> _buffer = new();

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    /// <summary>Writes <paramref name="value"/> as a base-128 varint (a negative int64 takes 10 bytes, as protobuf encodes it).</summary>
    public void WriteVarint(ulong value)
    {
        Span<byte> span = _buffer.GetSpan(MaxVarintBytes);
        int length = 0;
        while (value >= 0x80)
        {
            span[length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[length++] = (byte)value;
        _buffer.Advance(length);
    }

    /// <summary>An int64 field; left out when 0.</summary>
    public void WriteInt64(int field, long value) => WriteUInt64(field, unchecked((ulong)value));

    /// <summary>A uint64 field; left out when 0.</summary>
    public void WriteUInt64(int field, ulong value)
    {
        if (value != 0)
        {
            WriteTag(field, WireTypeVarint);
            WriteVarint(value);
        }
    }

    /// <summary>A bool field; left out when false.</summary>
    public void WriteBool(int field, bool value) => WriteUInt64(field, value ? 1UL : 0UL);

    /// <summary>One element of a repeated string field, in UTF-8; written even when empty.</summary>
    public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>An embedded message field, written even when empty.</summary>
    public void WriteMessage(int field, ProtobufWriter message)
    {
        ArgumentNullException.ThrowIfNull(message);
        WriteBytes(field, message.WrittenSpan);
    }

    /// <summary>A packed repeated int64 or uint64 field; left out when empty.</summary>
    public void WritePacked(int field, IEnumerable<ulong> values)
    {
        var packed = new ProtobufWriter();
        foreach (ulong value in values)
        {
            packed.WriteVarint(value);
        }

        if (packed.WrittenSpan.Length > 0)
        {
            WriteBytes(field, packed.WrittenSpan);
        }
    }

    private void WriteBytes(int field, ReadOnlySpan<byte> bytes)
    {
        WriteTag(field, WireTypeLengthDelimited);
        WriteVarint((ulong)bytes.Length);
        _buffer.Write(bytes);
    }

    private void WriteTag(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);
}
