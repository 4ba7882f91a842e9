using System.Buffers.Binary;

namespace MemTrack.Internal.Decoding;

/// <summary>
/// Reads the runtime's "native format" encodings that ReadyToRun tables use: variable-length integers, the sparse
/// <c>NativeArray</c> (MethodDef entry points) and the <c>NativeHashtable</c> (generic instantiation entry points).
/// Follows <c>src/coreclr/vm/nativeformatreader.h</c> in dotnet/runtime. Offsets are relative to the start of
/// <c>data</c>; the encodings only hold relative offsets, so any span that starts where the table starts works.
/// Every method checks bounds and answers false on malformed data instead of throwing.
/// </summary>
internal static class NativeFormat
{
    private const uint ArrayBlockSize = 16;

    /// <summary>The native format's unsigned integer (1 to 5 bytes, length in the low bits of the first byte).</summary>
    public static bool TryDecodeUnsigned(ReadOnlySpan<byte> data, ref int offset, out uint value)
    {
        value = 0;
        if ((uint)offset >= (uint)data.Length)
        {
            return false;
        }

        uint first = data[offset];
        int length;
        if ((first & 1) == 0)
        {
            value = first >> 1;
            length = 1;
        }
        else if ((first & 2) == 0)
        {
            if (!Fits(data, offset, 2))
            {
                return false;
            }

            value = (first >> 2) | ((uint)data[offset + 1] << 6);
            length = 2;
        }
        else if ((first & 4) == 0)
        {
            if (!Fits(data, offset, 3))
            {
                return false;
            }

            value = (first >> 3) | ((uint)data[offset + 1] << 5) | ((uint)data[offset + 2] << 13);
            length = 3;
        }
        else if ((first & 8) == 0)
        {
            if (!Fits(data, offset, 4))
            {
                return false;
            }

            value = (first >> 4) | ((uint)data[offset + 1] << 4) | ((uint)data[offset + 2] << 12) | ((uint)data[offset + 3] << 20);
            length = 4;
        }
        else if ((first & 16) == 0)
        {
            if (!Fits(data, offset, 5))
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(offset + 1, 4));
            length = 5;
        }
        else
        {
            return false;
        }

        offset += length;
        return true;
    }

    /// <summary>The native format's signed integer: the same lengths as <see cref="TryDecodeUnsigned"/>, sign-extended.</summary>
    public static bool TryDecodeSigned(ReadOnlySpan<byte> data, ref int offset, out int value)
    {
        value = 0;
        if ((uint)offset >= (uint)data.Length)
        {
            return false;
        }

        int first = data[offset];
        int length;
        if ((first & 1) == 0)
        {
            value = (sbyte)(byte)first >> 1;
            length = 1;
        }
        else if ((first & 2) == 0)
        {
            if (!Fits(data, offset, 2))
            {
                return false;
            }

            value = (first >> 2) | ((sbyte)data[offset + 1] << 6);
            length = 2;
        }
        else if ((first & 4) == 0)
        {
            if (!Fits(data, offset, 3))
            {
                return false;
            }

            value = (first >> 3) | (data[offset + 1] << 5) | ((sbyte)data[offset + 2] << 13);
            length = 3;
        }
        else if ((first & 8) == 0)
        {
            if (!Fits(data, offset, 4))
            {
                return false;
            }

            value = (first >> 4) | (data[offset + 1] << 4) | (data[offset + 2] << 12) | ((sbyte)data[offset + 3] << 20);
            length = 4;
        }
        else if ((first & 16) == 0)
        {
            if (!Fits(data, offset, 5))
            {
                return false;
            }

            value = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(offset + 1, 4));
            length = 5;
        }
        else
        {
            return false;
        }

        offset += length;
        return true;
    }

    /// <summary>The number of elements of the <c>NativeArray</c> at <paramref name="arrayOffset"/>.</summary>
    public static bool TryGetArrayCount(ReadOnlySpan<byte> data, int arrayOffset, out uint count)
    {
        int offset = arrayOffset;
        bool ok = TryDecodeUnsigned(data, ref offset, out uint header);
        count = ok ? header >> 2 : 0;
        return ok;
    }

    /// <summary>
    /// Where element <paramref name="index"/> of the <c>NativeArray</c> at <paramref name="arrayOffset"/> starts; false
    /// when the array has no such element (it is sparse: a method without precompiled code has none) or is malformed.
    /// </summary>
    public static bool TryGetArrayElement(ReadOnlySpan<byte> data, int arrayOffset, uint index, out int elementOffset)
    {
        elementOffset = 0;
        int baseOffset = arrayOffset;
        if (!TryDecodeUnsigned(data, ref baseOffset, out uint header) || index >= header >> 2)
        {
            return false;
        }

        // Each block of 16 elements has an entry in an index of 1, 2 or 4 byte offsets, then a small binary tree.
        uint entryIndexSize = header & 3;
        long indexAt = baseOffset + ((index / ArrayBlockSize) << (int)entryIndexSize);
        uint blockOffset;
        switch (entryIndexSize)
        {
            case 0 when Fits(data, indexAt, 1):
                blockOffset = data[(int)indexAt];
                break;
            case 1 when Fits(data, indexAt, 2):
                blockOffset = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice((int)indexAt, 2));
                break;
            case 2 when Fits(data, indexAt, 4):
                blockOffset = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice((int)indexAt, 4));
                break;
            default:
                return false;
        }

        long offset = baseOffset + (long)blockOffset;
        for (uint bit = ArrayBlockSize >> 1; bit > 0; bit >>= 1)
        {
            if (offset > int.MaxValue)
            {
                return false;
            }

            int next = (int)offset;
            if (!TryDecodeUnsigned(data, ref next, out uint node))
            {
                return false;
            }

            if ((index & bit) != 0)
            {
                if ((node & 2) != 0)
                {
                    offset += node >> 2;
                    continue;
                }
            }
            else if ((node & 1) != 0)
            {
                offset = next;
                continue;
            }

            // Not in the tree, unless this is the special leaf for exactly this index.
            if ((node & 3) == 0 && (node >> 2) == (index & (ArrayBlockSize - 1)))
            {
                offset = next;
                break;
            }

            return false;
        }

        if (offset > int.MaxValue)
        {
            return false;
        }

        elementOffset = (int)offset;
        return true;
    }

    /// <summary>
    /// Adds where each entry of the <c>NativeHashtable</c> at <paramref name="tableOffset"/> starts, bucket by bucket.
    /// False when the table is malformed (the entries found so far stay in <paramref name="entries"/>).
    /// </summary>
    public static bool TryGetHashtableEntries(ReadOnlySpan<byte> data, int tableOffset, List<int> entries)
    {
        if ((uint)tableOffset >= (uint)data.Length)
        {
            return false;
        }

        uint header = data[tableOffset];
        int baseOffset = tableOffset + 1;
        int bucketsShift = (int)(header >> 2);
        uint entryIndexSize = header & 3;
        if (bucketsShift > 24 || entryIndexSize > 2)
        {
            return false;
        }

        uint bucketCount = 1u << bucketsShift;
        for (uint bucket = 0; bucket < bucketCount; bucket++)
        {
            if (!TryReadBucketBound(data, baseOffset, bucket, entryIndexSize, out uint start)
                || !TryReadBucketBound(data, baseOffset, bucket + 1, entryIndexSize, out uint end))
            {
                return false;
            }

            long offset = baseOffset + (long)start;
            long endOffset = baseOffset + (long)end;
            if (endOffset > data.Length)
            {
                return false;
            }

            while (offset < endOffset)
            {
                // A byte of the entry's hash code, then the entry's offset relative to where that offset is stored.
                int at = (int)offset + 1;
                int position = at;
                if (!TryDecodeSigned(data, ref at, out int delta))
                {
                    return false;
                }

                long entry = (long)position + delta;
                if (entry < 0 || entry >= data.Length)
                {
                    return false;
                }

                entries.Add((int)entry);
                offset = at;
            }
        }

        return true;
    }

    private static bool TryReadBucketBound(ReadOnlySpan<byte> data, int baseOffset, uint bucket, uint entryIndexSize, out uint bound)
    {
        long at = baseOffset + ((long)bucket << (int)entryIndexSize);
        bound = 0;
        switch (entryIndexSize)
        {
            case 0 when Fits(data, at, 1):
                bound = data[(int)at];
                return true;
            case 1 when Fits(data, at, 2):
                bound = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice((int)at, 2));
                return true;
            case 2 when Fits(data, at, 4):
                bound = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice((int)at, 4));
                return true;
            default:
                return false;
        }
    }

    private static bool Fits(ReadOnlySpan<byte> data, long offset, int length) => offset >= 0 && offset + length <= data.Length;
}
