namespace MemTrack.Tests.Internal.Decoding;

/// <summary>Builds rich debug info as the runtime sends it (event JittedMethodRichDebugInfo), for the decoding tests.</summary>
internal static class RichDebugInfoBlobs
{
    /// <summary>The blob: counts, nodes (method, call-site IL offset, first child, next sibling), mappings (IL offset, context, native offset, source).</summary>
    public static byte[] Blob((ulong Method, uint Child, uint Sibling)[] nodes, (uint Il, uint Context, uint Native)[] mappings)
    {
        using var buffer = new MemoryStream();
        using var writer = new BinaryWriter(buffer);
        writer.Write((uint)nodes.Length);
        writer.Write((uint)mappings.Length);
        foreach (var (method, child, sibling) in nodes)
        {
            writer.Write(method);
            writer.Write(0xFFFFFFFFu); // the call-site IL offset, unused
            writer.Write(child);
            writer.Write(sibling);
        }

        foreach (var (il, context, native) in mappings)
        {
            writer.Write(il);
            writer.Write(context);
            writer.Write(native);
            writer.Write((byte)0x02); // STACK_EMPTY
        }

        writer.Flush();
        return buffer.ToArray();
    }

    /// <summary>One event: the header (ClrInstanceID, MethodID, code version, IL version, chunk index, data size), then <paramref name="data"/>.</summary>
    public static byte[] Event(ulong methodId, uint chunkIndex, bool last, byte[] data)
    {
        using var buffer = new MemoryStream();
        using var writer = new BinaryWriter(buffer);
        writer.Write((ushort)0);
        writer.Write(methodId);
        writer.Write(2UL);
        writer.Write(0UL);
        writer.Write(chunkIndex | (last ? 0x80000000u : 0));
        writer.Write((uint)data.Length);
        writer.Write(data);
        writer.Flush();
        return buffer.ToArray();
    }
}
