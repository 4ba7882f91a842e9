using System.Buffers.Binary;
using MemTrack.Internal.Storage;

namespace MemTrack.Tests.Internal.Storage;

/// <summary>
/// Mutates snapshot files for fuzzing: bit flips, byte changes, extreme 16/32/64-bit values, truncation, chunk removal,
/// duplication, insertion and overwriting, splices of two files, and the format's own count, length and index fields
/// set to extreme or off-by-one values (found by walking a valid file). Deterministic for a given <see cref="Random"/>.
/// </summary>
internal static class SnapshotMutator
{
    private static readonly int[] ExtremeInts =
        [int.MaxValue, int.MinValue, -1, 0, 1, 2, SnapshotFile.MaxStringBytes, SnapshotFile.MaxStringBytes + 1, 0x7FFFFFF0, 0x40000000, 0x10000, 0xFFFF];

    private static readonly long[] ExtremeLongs =
    [
        long.MaxValue, long.MinValue, -1, 0, DateTime.MaxValue.Ticks + 1, DateTime.MaxValue.Ticks,
        BitConverter.DoubleToInt64Bits(double.NaN), BitConverter.DoubleToInt64Bits(double.PositiveInfinity),
        BitConverter.DoubleToInt64Bits(double.NegativeInfinity), BitConverter.DoubleToInt64Bits(-0.0),
        BitConverter.DoubleToInt64Bits(double.MaxValue), BitConverter.DoubleToInt64Bits(double.Epsilon), BitConverter.DoubleToInt64Bits(-1.0),
    ];

    private static readonly ushort[] ExtremeShorts = [0, 1, 2, 3, 0x7FFF, 0x8000, 0xFFFF, 840, 841, unchecked((ushort)-841)];

    /// <summary>
    /// One to four mutations of <paramref name="seed"/> (a third of the time starting with a field of the format), with a
    /// description of each. <paramref name="fields"/> are the seed's fields (<see cref="Fields"/>); <paramref name="others"/> are other files to splice in.
    /// </summary>
    public static (byte[] Data, string Description) Mutate(byte[] seed, IReadOnlyList<Field> fields, IReadOnlyList<byte[]> others, Random random)
    {
        var steps = new List<string>();
        byte[] data = seed;
        if (random.Next(3) == 0 && fields.Count > 0)
        {
            data = SetField(data, fields[random.Next(fields.Count)], random, out string step);
            steps.Add(step);
        }

        int count = steps.Count == 0 || random.Next(2) == 0 ? (random.Next(4) == 0 ? random.Next(2, 5) : 1) : 0;
        for (int i = 0; i < count; i++)
        {
            data = MutateOnce(data, others, random, out string step);
            steps.Add(step);
        }

        return (data, string.Join("; ", steps));
    }

    /// <summary>A copy of <paramref name="data"/> with its last four bytes set to the CRC-32 of the rest (when it has four bytes).</summary>
    public static byte[] WithChecksum(byte[] data)
    {
        byte[] copy = (byte[])data.Clone();
        if (copy.Length >= sizeof(uint))
        {
            BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(copy.Length - 4), Crc32.Compute(copy.AsSpan(0, copy.Length - 4)));
        }

        return copy;
    }

    /// <summary>
    /// The count, length, index and value fields of a valid snapshot file, found by walking it as docs/file-format.md
    /// lays it out.
    /// </summary>
    public static IReadOnlyList<Field> Fields(byte[] file)
    {
        var fields = new List<Field> { new(8, 2, "version"), new(10, 2, "flags"), new(12, 4, "traceback limit"), new(16, 8, "UTC ticks"), new(24, 2, "offset minutes"), new(26, 8, "allocated bytes"), new(34, 8, "lost events") };
        bool live = (BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(10)) & SnapshotFile.LiveDataFlag) != 0;
        int at = SnapshotFile.HeaderBytes;
        int strings = Int(file, at);
        fields.Add(new(at, 4, "string count"));
        at += 4;
        for (int i = 0; i < strings; i++)
        {
            fields.Add(new(at, 4, $"string {i} length"));
            at += 4 + Int(file, at);
        }

        int frames = Int(file, at);
        fields.Add(new(at, 4, "frame count"));
        at += 4;
        for (int i = 0; i < frames; i++)
        {
            fields.Add(new(at, 4, $"frame {i} method"));
            fields.Add(new(at + 4, 4, $"frame {i} file"));
            fields.Add(new(at + 8, 4, $"frame {i} line"));
            fields.Add(new(at + 12, 4, $"frame {i} module"));
            at += 16;
        }

        int traces = Int(file, at);
        fields.Add(new(at, 4, "trace count"));
        at += 4;
        for (int i = 0; i < traces; i++)
        {
            int n = Int(file, at);
            fields.Add(new(at, 4, $"trace {i} frame count"));
            at += 4;
            for (int j = 0; j < n; j++)
            {
                fields.Add(new(at, 4, $"trace {i} frame ref {j}"));
                at += 4;
            }

            fields.Add(new(at, 4, $"trace {i} total frames"));
            fields.Add(new(at + 4, 4, $"trace {i} type"));
            at += 8;
            for (int k = 0; k < (live ? 2 : 1); k++)
            {
                fields.Add(new(at, 8, $"trace {i} samples"));
                fields.Add(new(at + 8, 8, $"trace {i} size"));
                fields.Add(new(at + 16, 8, $"trace {i} count"));
                fields.Add(new(at + 24, 8, $"trace {i} size variance"));
                fields.Add(new(at + 32, 8, $"trace {i} count variance"));
                at += 40;
            }
        }

        Assert.Equal(file.Length - 4, at);
        return fields;
    }

    private static int Int(byte[] data, int at) => BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(at));

    private static byte[] SetField(byte[] data, Field field, Random random, out string description)
    {
        byte[] copy = (byte[])data.Clone();
        Span<byte> target = copy.AsSpan(field.Offset, field.Size);
        switch (field.Size)
        {
            case 2:
                ushort old16 = BinaryPrimitives.ReadUInt16LittleEndian(target);
                ushort value16 = random.Next(3) == 0 ? (ushort)(old16 + random.Next(-1, 2)) : ExtremeShorts[random.Next(ExtremeShorts.Length)];
                BinaryPrimitives.WriteUInt16LittleEndian(target, value16);
                description = $"{field.Name} {old16} -> {value16}";
                break;
            case 4:
                int old32 = BinaryPrimitives.ReadInt32LittleEndian(target);
                int value32 = random.Next(3) switch
                {
                    0 => old32 + random.Next(-2, 3),
                    1 => random.Next(data.Length + 1),
                    _ => ExtremeInts[random.Next(ExtremeInts.Length)],
                };
                BinaryPrimitives.WriteInt32LittleEndian(target, value32);
                description = $"{field.Name} {old32} -> {value32}";
                break;
            default:
                long old64 = BinaryPrimitives.ReadInt64LittleEndian(target);
                long value64 = random.Next(3) == 0 ? old64 + random.Next(-1, 2) : ExtremeLongs[random.Next(ExtremeLongs.Length)];
                BinaryPrimitives.WriteInt64LittleEndian(target, value64);
                description = $"{field.Name} 0x{old64:X} -> 0x{value64:X}";
                break;
        }

        return copy;
    }

    private static byte[] MutateOnce(byte[] data, IReadOnlyList<byte[]> others, Random random, out string description)
    {
        if (data.Length == 0)
        {
            byte[] bytes = new byte[random.Next(1, 16)];
            random.NextBytes(bytes);
            description = $"{bytes.Length} random bytes into an empty file";
            return bytes;
        }

        byte[] copy = (byte[])data.Clone();
        int at = random.Next(copy.Length);
        switch (random.Next(13))
        {
            case 0:
                int flips = random.Next(1, 9);
                for (int i = 0; i < flips; i++)
                {
                    copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                }

                description = $"{flips} bit flips";
                return copy;
            case 1:
                int changes = random.Next(1, 5);
                for (int i = 0; i < changes; i++)
                {
                    copy[random.Next(copy.Length)] = (byte)random.Next(256);
                }

                description = $"{changes} random bytes";
                return copy;
            case 2:
                byte[] specials = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0xC0, 0xED];
                copy[at] = specials[random.Next(specials.Length)];
                description = $"byte {at} = 0x{copy[at]:X2}";
                return copy;
            case 3 when copy.Length >= 4:
                at = Math.Min(at, copy.Length - 4);
                int value32 = random.Next(2) == 0 ? ExtremeInts[random.Next(ExtremeInts.Length)] : random.Next(copy.Length + 1);
                BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(at), value32);
                description = $"int {value32} at {at}";
                return copy;
            case 4 when copy.Length >= 8:
                at = Math.Min(at, copy.Length - 8);
                long value64 = ExtremeLongs[random.Next(ExtremeLongs.Length)];
                BinaryPrimitives.WriteInt64LittleEndian(copy.AsSpan(at), value64);
                description = $"long 0x{value64:X} at {at}";
                return copy;
            case 5:
                description = $"truncated to {at} of {copy.Length}";
                return copy[..at];
            case 6:
                int cut = Math.Min(copy.Length, random.Next(1, 9));
                description = $"last {cut} bytes cut";
                return copy[..^cut];
            case 7:
                int removed = Math.Min(random.Next(1, 65), copy.Length - at);
                description = $"{removed} bytes removed at {at}";
                return [.. copy[..at], .. copy[(at + removed)..]];
            case 8:
                int length = Math.Min(random.Next(1, 257), copy.Length - at);
                int repeats = random.Next(1, 5);
                int insertAt = random.Next(2) == 0 ? at + length : random.Next(copy.Length + 1);
                byte[] chunk = copy[at..(at + length)];
                description = $"{length} bytes at {at} duplicated {repeats}x at {insertAt}";
                return [.. copy[..insertAt], .. Enumerable.Repeat(chunk, repeats).SelectMany(c => c), .. copy[insertAt..]];
            case 9:
                byte[] inserted = new byte[random.Next(1, 33)];
                random.NextBytes(inserted);
                description = $"{inserted.Length} random bytes inserted at {at}";
                return [.. copy[..at], .. inserted, .. copy[at..]];
            case 10:
                int from = random.Next(copy.Length);
                int size = Math.Min(Math.Min(random.Next(1, 65), copy.Length - from), copy.Length - at);
                Array.Copy(data, from, copy, at, size);
                description = $"{size} bytes from {from} copied over {at}";
                return copy;
            case 11:
                byte[] other = others[random.Next(others.Count)];
                int tail = random.Next(other.Length + 1);
                description = $"first {at} bytes + another file from byte {tail}";
                return [.. copy[..at], .. other[tail..]];
            default:
                byte[] appended = new byte[random.Next(1, 17)];
                random.NextBytes(appended);
                description = $"{appended.Length} bytes appended";
                return [.. copy, .. appended];
        }
    }

    /// <summary>A field of the format at <paramref name="Offset"/>, <paramref name="Size"/> bytes long.</summary>
    public sealed record Field(int Offset, int Size, string Name);
}
