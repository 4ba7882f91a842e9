using System.Buffers.Binary;

namespace MemTrack.Internal.Decoding;

/// <summary>
/// Reassembles the runtime's JittedMethodRichDebugInfo events (Microsoft-Windows-DotNETRuntimePrivate, event 189,
/// keyword 0x40000) into <see cref="InlineTree"/>s. TraceEvent has no parser for them; the payload, read from the
/// runtime's manifest: <c>u16</c> ClrInstanceID, <c>u64</c> MethodID, <c>u64</c> code version, <c>u64</c> IL version,
/// <c>u32</c> chunk index (bit 31: the last chunk), <c>u32</c> data size, then the data; a blob larger than a chunk
/// (40,000 bytes) comes in several. Used only on the reader thread.
/// </summary>
internal sealed class RichDebugInfoEvents
{
    /// <summary>The runtime's private provider.</summary>
    public static readonly Guid PrivateProvider = new("763FD754-7086-4DFE-95EB-C01A46FAF4CA");

    public const int EventId = 189;

    /// <summary>The keyword of the event on the private provider.</summary>
    public const long Keyword = 0x40000;

    private const int HeaderBytes = 34;
    private const uint LastChunk = 0x80000000;

    /// <summary>Blobs at most this large are reassembled; the runtime's largest in a compiler-sized app was about 11 KB.</summary>
    private const int MaxBlobBytes = 16 << 20;

    private readonly Dictionary<(ulong MethodId, ulong Version), (uint Next, MemoryStream Data)> _partial = [];

    /// <summary>
    /// Reads one event; returns the method id and its tree once its last chunk is in, else null. Throws
    /// <see cref="InvalidDataException"/> for a payload that does not hold together (the caller counts a decode error;
    /// the method keeps its plain map).
    /// </summary>
    public (ulong MethodId, InlineTree Tree)? Read(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < HeaderBytes)
        {
            throw new InvalidDataException($"A rich debug info event of {payload.Length} bytes is shorter than its header.");
        }

        ulong methodId = BinaryPrimitives.ReadUInt64LittleEndian(payload[2..]);
        ulong version = BinaryPrimitives.ReadUInt64LittleEndian(payload[10..]);
        uint chunk = BinaryPrimitives.ReadUInt32LittleEndian(payload[26..]);
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(payload[30..]);
        if (size != payload.Length - HeaderBytes)
        {
            throw new InvalidDataException($"A rich debug info event says {size} bytes of data but carries {payload.Length - HeaderBytes}.");
        }

        ReadOnlySpan<byte> data = payload[HeaderBytes..];
        uint index = chunk & ~LastChunk;
        bool last = (chunk & LastChunk) != 0;
        var key = (methodId, version);
        if (index == 0 && last)
        {
            _partial.Remove(key);
            return (methodId, InlineTree.Parse(data, IntPtr.Size));
        }

        if (!_partial.TryGetValue(key, out var partial))
        {
            partial = (0, new MemoryStream());
        }

        if (index != partial.Next || partial.Data.Length + data.Length > MaxBlobBytes)
        {
            _partial.Remove(key);
            throw new InvalidDataException($"Rich debug info chunk {index} of method 0x{methodId:X} came out of order or made the blob too large.");
        }

        partial.Data.Write(data);
        if (!last)
        {
            _partial[key] = (index + 1, partial.Data);
            return null;
        }

        _partial.Remove(key);
        return (methodId, InlineTree.Parse(partial.Data.GetBuffer().AsSpan(0, (int)partial.Data.Length), IntPtr.Size));
    }
}
