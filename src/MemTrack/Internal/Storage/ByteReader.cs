using System.Buffers.Binary;
using System.Globalization;

namespace MemTrack.Internal.Storage;

/// <summary>
/// Reads the little-endian fields of a snapshot file from memory. Every read is bounds-checked and every count is
/// checked against the bytes left before anything is allocated; problems raise <see cref="InvalidDataException"/>.
/// </summary>
internal ref struct ByteReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _length;

    public ByteReader(ReadOnlySpan<byte> data)
        : this(data, data.Length)
    {
    }

    /// <summary>
    /// Reads the first bytes of an input of <paramref name="length"/> bytes (a file's head, before the rest is read):
    /// counts are checked against the whole input; reading past the head is an error of the caller.
    /// </summary>
    public ByteReader(ReadOnlySpan<byte> head, int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, head.Length);
        _data = head;
        _length = length;
    }

    /// <summary>Offset of the next byte to read.</summary>
    public int Position { get; private set; }

    /// <summary>Bytes of the whole input after <see cref="Position"/>.</summary>
    public readonly int Remaining => _length - Position;

    /// <summary>The exception for a malformed file; the message says what is wrong and where.</summary>
    public static InvalidDataException Invalid(FormattableString problem, Exception? inner = null) =>
        new("Invalid MemTrack snapshot file: " + problem.ToString(CultureInfo.InvariantCulture), inner);

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(sizeof(ushort)));

    public short ReadInt16() => BinaryPrimitives.ReadInt16LittleEndian(Take(sizeof(short)));

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(sizeof(int)));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(sizeof(uint)));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(sizeof(long)));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(sizeof(double)));

    /// <summary>Reads an <c>i64</c> that must not be negative.</summary>
    public long ReadNonNegativeInt64(string what)
    {
        int at = Position;
        long value = ReadInt64();
        return value >= 0 ? value : throw Invalid($"negative {what} {value} at byte {at}");
    }

    /// <summary>Reads an <c>f64</c> that must be finite and not negative.</summary>
    public double ReadNonNegativeDouble(string what)
    {
        int at = Position;
        double value = ReadDouble();
        return double.IsFinite(value) && value >= 0 ? value : throw Invalid($"{what} {value} at byte {at} is not a finite non-negative number");
    }

    /// <summary>
    /// Reads an <c>i32</c> count of records of at least <paramref name="minRecordBytes"/> bytes each, which together
    /// with <paramref name="reservedBytes"/> more bytes must fit in what is left of the data.
    /// </summary>
    public int ReadCount(string what, int minRecordBytes, int reservedBytes)
    {
        int at = Position;
        int count = ReadInt32();
        if (count < 0)
        {
            throw Invalid($"negative {what} count {count} at byte {at}");
        }

        long needed = ((long)count * minRecordBytes) + reservedBytes;
        return needed <= Remaining
            ? count
            : throw Invalid($"truncated at byte {_length} or corrupt: {count} {what}s at byte {at} need at least {needed} bytes, {Remaining} are left");
    }

    /// <summary>Reads an <c>i32</c> index into a table of <paramref name="tableLength"/> entries.</summary>
    public int ReadIndex(string what, int tableLength)
    {
        int at = Position;
        int index = ReadInt32();
        return (uint)index < (uint)tableLength
            ? index
            : throw Invalid($"{what} index {index} at byte {at} is out of range (table has {tableLength} entries)");
    }

    public ReadOnlySpan<byte> ReadBytes(int count) => Take(count);

    /// <summary>The next bytes, at most <paramref name="count"/> (fewer at the end), without reading them.</summary>
    public readonly ReadOnlySpan<byte> Peek(int count) => _data.Slice(Position, Math.Min(count, _data.Length - Position));

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining)
        {
            throw Invalid($"truncated at byte {_length} (needed {count} bytes at byte {Position})");
        }

        if (count > _data.Length - Position)
        {
            throw new InvalidOperationException("Read past the head given to this reader.");
        }

        ReadOnlySpan<byte> bytes = _data.Slice(Position, count);
        Position += count;
        return bytes;
    }
}
