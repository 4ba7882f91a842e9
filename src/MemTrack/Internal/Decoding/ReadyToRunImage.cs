using System.Buffers.Binary;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace MemTrack.Internal.Decoding;

/// <summary>
/// The precompiled (ReadyToRun) code of one assembly file, read from the file, to name the frames of R2R code: the
/// runtime raises no method-load event for it. The image's RUNTIME_FUNCTIONS section (sorted code ranges) is inverted
/// through its entry point tables into "code range → MethodDef token", as the runtime does when it walks a stack
/// (<c>ReadyToRunJitManager::JitCodeToMethodInfo</c>): a method's main body starts at its entry point, and the runtime
/// functions that follow it without being an entry point themselves (funclets: exception handlers and filters) are
/// its code too. Covers the non-generic methods (METHODDEF_ENTRYPOINTS) and the generic instantiations whose generic
/// definition is in this assembly (INSTANCE_METHOD_ENTRYPOINTS, named by that definition); instantiations of another
/// assembly's generics answer null. Cold parts of hot/cold split methods (HOT_COLD_MAP) belong to their method.
/// x64 runtime functions carry their end; on other architectures a function is taken to end where the next begins.
/// Composite images and component assemblies of one are not read (<see cref="Open"/> answers null). Holds the file open
/// (its metadata, for <see cref="MethodName"/>) until disposed. Immutable once opened: safe to use from any thread.
/// </summary>
internal sealed class ReadyToRunImage : IDisposable
{
    private const uint HeaderSignature = 0x00525452; // 'RTR'
    private const uint FlagComponent = 0x20;
    private const uint SectionRuntimeFunctions = 102;
    private const uint SectionMethodDefEntryPoints = 103;
    private const uint SectionInstanceMethodEntryPoints = 109;
    private const uint SectionComponentAssemblies = 115;
    private const uint SectionHotColdMap = 120;
    private const int MethodDefTable = 0x06000000;
    private const int StartOfUnnamedCode = -1;
    private const int StartOfColdCode = -2;

    private static readonly ushort[] MachineOsOverrides = [0, 0x7B79, 0x4644, 0xADC4, 0x1993, 0x1992]; // Windows, Linux, Apple, FreeBSD, NetBSD, SunOS

    private readonly Lock _gate = new();
    private readonly PEReader _pe;
    private readonly MetadataReader _metadata;
    private readonly uint[] _begins;
    private readonly uint[] _ends;
    private readonly int[] _owners;
    private readonly int[] _methodTokens;
    private readonly uint[] _methodBegins;
    private readonly uint[] _methodEnds;
    private bool _disposed;

    private ReadyToRunImage(string path, PEReader pe, MetadataReader metadata, ushort majorVersion, ushort minorVersion, uint[] begins, uint[] ends, int[] owners, int[] methodTokens, uint[] methodBegins, uint[] methodEnds)
    {
        Path = path;
        _pe = pe;
        _metadata = metadata;
        MajorVersion = majorVersion;
        MinorVersion = minorVersion;
        _begins = begins;
        _ends = ends;
        _owners = owners;
        _methodTokens = methodTokens;
        _methodBegins = methodBegins;
        _methodEnds = methodEnds;
    }

    /// <summary>The file the image was read from.</summary>
    public string Path { get; }

    /// <summary>The ReadyToRun format's major version (16 for .NET 10).</summary>
    public ushort MajorVersion { get; }

    /// <summary>The ReadyToRun format's minor version.</summary>
    public ushort MinorVersion { get; }

    /// <summary>The number of entries of the RUNTIME_FUNCTIONS section (method bodies, funclets, cold parts).</summary>
    public int RuntimeFunctionCount => _begins.Length;

    /// <summary>The number of methods whose code <see cref="FindMethod"/> can name.</summary>
    public int MethodCount => _methodTokens.Length;

    /// <summary>
    /// Every method <see cref="FindMethod"/> can name, by ascending RVA: its MethodDef token and code range (as in
    /// <see cref="FindMethod"/>). A generic method's token appears once per instantiation compiled into the image.
    /// </summary>
    public IEnumerable<(int Token, uint BeginRva, uint EndRva)> Methods
    {
        get
        {
            for (int i = 0; i < _methodTokens.Length; i++)
            {
                yield return (_methodTokens[i], _methodBegins[i], _methodEnds[i]);
            }
        }
    }

    /// <summary>
    /// Reads the ReadyToRun image at <paramref name="path"/>; null when the file is missing or unreadable, is not a
    /// ReadyToRun image (IL only, native), is a composite image or one of its components, or is malformed or
    /// truncated. Never throws.
    /// </summary>
    public static ReadyToRunImage? Open(string path)
    {
        PEReader? pe = null;
        try
        {
            pe = new PEReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete));
            ReadyToRunImage? image = Read(path, pe);
            if (image is not null)
            {
                pe = null; // owned by the image now
            }

            return image;
        }
        catch (Exception)
        {
            // Unreadable or malformed (PEReader throws BadImageFormatException, IO errors, and more for odd files):
            // the frames of this module stay unnamed, the tracer must not fail on it.
            return null;
        }
        finally
        {
            pe?.Dispose();
        }
    }

    /// <summary>
    /// The method whose code contains <paramref name="rva"/> (an address in the mapped image minus the image's base):
    /// its MethodDef token, and its code range from its entry point (<c>BeginRva</c>) to the end of its last funclet
    /// (<c>EndRva</c>, exclusive; a cold part lies outside). Null when no runtime function contains the RVA (padding
    /// between functions, headers, data) or the code is not nameable (see the class summary).
    /// </summary>
    public (int Token, uint BeginRva, uint EndRva)? FindMethod(uint rva)
    {
        int lo = 0;
        int hi = _begins.Length - 1;
        int found = -1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (_begins[mid] <= rva)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        if (found < 0 || rva >= _ends[found])
        {
            return null;
        }

        int method = _owners[found];
        return method < 0 ? null : (_methodTokens[method], _methodBegins[method], _methodEnds[method]);
    }

    /// <summary>
    /// The method's name as MemTrack names jitted methods from the runtime's method events (namespace-qualified
    /// type, then <c>.</c>, then the method): <c>System.Text.Json.JsonSerializer.Serialize</c>,
    /// <c>Ns.Outer+Inner..ctor</c>; a generic type by its definition's name, <c>System.Collections.Generic.List`1.Add</c>
    /// (the runtime's events add the instantiation). Null for a token that is not one of this module's MethodDefs.
    /// </summary>
    public string? MethodName(int token)
    {
        lock (_gate)
        {
            if (_disposed || (token >> 24) != (MethodDefTable >> 24))
            {
                return null;
            }

            try
            {
                int rid = token & 0x00FFFFFF;
                if (rid == 0 || rid > _metadata.GetTableRowCount(TableIndex.MethodDef))
                {
                    return null;
                }

                MethodDefinition method = _metadata.GetMethodDefinition(MetadataTokens.MethodDefinitionHandle(rid));
                string name = _metadata.GetString(method.Name);
                string? type = TypeName(method.GetDeclaringType());
                return string.IsNullOrEmpty(type) ? name : type + "." + name;
            }
            catch (Exception)
            {
                // Malformed metadata (BadImageFormatException, mostly): the frame stays unnamed, the tracer must not fail.
                return null;
            }
        }
    }

    /// <summary>Closes the file. <see cref="MethodName"/> answers null afterwards; <see cref="FindMethod"/> still works.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _disposed = true;
                _pe.Dispose();
            }
        }
    }

    private static ReadyToRunImage? Read(string path, PEReader pe)
    {
        PEHeaders headers = pe.PEHeaders;
        DirectoryEntry nativeHeader = headers.CorHeader?.ManagedNativeHeaderDirectory ?? default;
        if (nativeHeader.RelativeVirtualAddress == 0 || !pe.HasMetadata || RuntimeFunctionSize(headers.CoffHeader.Machine) is not int entrySize)
        {
            return null; // IL only, native, or an architecture whose runtime functions are not known here
        }

        ReadOnlySpan<byte> header = SectionData(pe, nativeHeader.RelativeVirtualAddress);
        if (header.Length < 16 || BinaryPrimitives.ReadUInt32LittleEndian(header) != HeaderSignature)
        {
            return null;
        }

        ushort major = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
        ushort minor = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        uint sectionCount = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        if ((flags & FlagComponent) != 0 || sectionCount > (uint)(header.Length - 16) / 12)
        {
            return null; // a component of a composite image: its code lives in the composite file
        }

        (int Rva, int Size) functions = default, methodDefs = default, instances = default, hotCold = default;
        for (int i = 0; i < (int)sectionCount; i++)
        {
            ReadOnlySpan<byte> entry = header.Slice(16 + (i * 12), 12);
            var section = ((int)BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]), (int)BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]));
            switch (BinaryPrimitives.ReadUInt32LittleEndian(entry))
            {
                case SectionRuntimeFunctions:
                    functions = section;
                    break;
                case SectionMethodDefEntryPoints:
                    methodDefs = section;
                    break;
                case SectionInstanceMethodEntryPoints:
                    instances = section;
                    break;
                case SectionHotColdMap:
                    hotCold = section;
                    break;
                case SectionComponentAssemblies:
                    return null; // a composite image: its methods are listed per component assembly, not read here
                default:
                    break;
            }
        }

        if (functions.Rva == 0 || ReadRuntimeFunctions(pe, headers, functions, entrySize) is not var (begins, ends))
        {
            return null;
        }

        MetadataReader metadata = pe.GetMetadataReader();
        int methodDefCount = metadata.GetTableRowCount(TableIndex.MethodDef);
        var starts = new int[begins.Length];
        var hotOfCold = new Dictionary<int, int>();
        if (methodDefs.Rva != 0)
        {
            AddMethodDefEntryPoints(SectionData(pe, methodDefs.Rva), methodDefCount, starts);
        }

        if (instances.Rva != 0)
        {
            AddInstanceEntryPoints(SectionData(pe, instances.Rva), methodDefCount, starts);
        }

        if (hotCold.Rva != 0)
        {
            AddColdParts(SectionData(pe, hotCold.Rva), hotCold.Size, starts, hotOfCold);
        }

        return Index(path, pe, metadata, major, minor, begins, ends, starts, hotOfCold);
    }

    /// <summary>The size of a RUNTIME_FUNCTION for the image's machine: the Machine field is the architecture xor an OS constant.</summary>
    private static int? RuntimeFunctionSize(Machine machine)
    {
        foreach (ushort os in MachineOsOverrides)
        {
            switch ((ushort)((ushort)machine ^ os))
            {
                case 0x8664: // AMD64: {BeginAddress, EndAddress, UnwindData}
                    return 12;
                case 0xAA64: // ARM64, and the others: {BeginAddress, UnwindData}
                case 0x014C: // I386
                case 0x01C4: // ARMNT
                case 0x6264: // LoongArch64
                case 0x5064: // RISC-V 64
                    return 8;
                default:
                    break;
            }
        }

        return null;
    }

    private static (uint[] Begins, uint[] Ends)? ReadRuntimeFunctions(PEReader pe, PEHeaders headers, (int Rva, int Size) section, int entrySize)
    {
        ReadOnlySpan<byte> table = SectionData(pe, section.Rva);
        if (section.Size < entrySize || table.Length < section.Size)
        {
            return null;
        }

        // The table ends with a 4-byte sentinel, which the division drops.
        int count = section.Size / entrySize;
        var begins = new uint[count];
        var ends = new uint[count];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> entry = table.Slice(i * entrySize, entrySize);
            begins[i] = BinaryPrimitives.ReadUInt32LittleEndian(entry);
            if (i > 0 && begins[i] <= begins[i - 1])
            {
                return null; // not sorted: not a table this reader understands
            }

            if (entrySize == 12)
            {
                ends[i] = BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]);
                if (ends[i] <= begins[i])
                {
                    return null;
                }
            }
        }

        if (entrySize != 12)
        {
            // No end in the entry (it is in the unwind data): a function ends where the next one begins, the last one
            // with the PE section that holds it.
            for (int i = 0; i < count - 1; i++)
            {
                ends[i] = begins[i + 1];
            }

            uint last = begins[count - 1];
            ends[count - 1] = last + 1;
            foreach (SectionHeader peSection in headers.SectionHeaders)
            {
                if (last >= (uint)peSection.VirtualAddress && last - (uint)peSection.VirtualAddress < (uint)peSection.VirtualSize)
                {
                    ends[count - 1] = (uint)peSection.VirtualAddress + (uint)peSection.VirtualSize;
                }
            }
        }

        return (begins, ends);
    }

    /// <summary>MethodDef RID − 1 → entry point: marks each method's main runtime function with its token.</summary>
    private static void AddMethodDefEntryPoints(ReadOnlySpan<byte> table, int methodDefCount, int[] starts)
    {
        if (!NativeFormat.TryGetArrayCount(table, 0, out uint count))
        {
            return;
        }

        count = Math.Min(count, (uint)methodDefCount);
        for (uint index = 0; index < count; index++)
        {
            if (NativeFormat.TryGetArrayElement(table, 0, index, out int offset) && RuntimeFunctionOf(table, offset) is int function)
            {
                Mark(starts, function, MethodDefTable | (int)(index + 1));
            }
        }
    }

    /// <summary>Generic instantiations: each hashtable entry is a method signature followed by the entry point.</summary>
    private static void AddInstanceEntryPoints(ReadOnlySpan<byte> table, int methodDefCount, int[] starts)
    {
        var entries = new List<int>();
        _ = NativeFormat.TryGetHashtableEntries(table, 0, entries);
        foreach (int entry in entries)
        {
            int offset = entry;
            if (ReadyToRunSignature.TrySkipMethodEntry(table, ref offset, out uint rid, out bool inThisModule) && RuntimeFunctionOf(table, offset) is int function)
            {
                Mark(starts, function, inThisModule && rid > 0 && rid <= (uint)methodDefCount ? MethodDefTable | (int)rid : StartOfUnnamedCode);
            }
        }
    }

    /// <summary>Pairs {cold runtime function, hot runtime function} of methods split into a hot and a cold part.</summary>
    private static void AddColdParts(ReadOnlySpan<byte> table, int size, int[] starts, Dictionary<int, int> hotOfCold)
    {
        for (int at = 0; at + 8 <= Math.Min(size, table.Length); at += 8)
        {
            uint cold = BinaryPrimitives.ReadUInt32LittleEndian(table[at..]);
            uint hot = BinaryPrimitives.ReadUInt32LittleEndian(table[(at + 4)..]);
            if (cold < (uint)starts.Length && hot < cold && starts[cold] == 0)
            {
                starts[cold] = StartOfColdCode;
                hotOfCold[(int)cold] = (int)hot;
            }
        }
    }

    /// <summary>
    /// Assigns every runtime function to the method whose entry point is the nearest one at or before it (funclets
    /// follow their method's main body), and records each method's range.
    /// </summary>
    private static ReadyToRunImage Index(string path, PEReader pe, MetadataReader metadata, ushort major, ushort minor, uint[] begins, uint[] ends, int[] starts, Dictionary<int, int> hotOfCold)
    {
        int methodCount = 0;
        foreach (int start in starts)
        {
            methodCount += start > 0 ? 1 : 0;
        }

        var owners = new int[begins.Length];
        var tokens = new int[methodCount];
        var methodBegins = new uint[methodCount];
        var methodEnds = new uint[methodCount];
        int methods = 0;
        int current = -1;
        bool cold = false;
        for (int i = 0; i < begins.Length; i++)
        {
            int start = starts[i];
            if (start > 0)
            {
                current = methods++;
                tokens[current] = start;
                methodBegins[current] = begins[i];
                methodEnds[current] = ends[i];
                cold = false;
            }
            else if (start == StartOfUnnamedCode)
            {
                current = -1;
            }
            else if (start == StartOfColdCode)
            {
                current = owners[hotOfCold[i]];
                cold = true;
            }
            else if (current >= 0 && !cold)
            {
                methodEnds[current] = ends[i]; // a funclet: the method's code runs to its end
            }

            owners[i] = current;
        }

        return new ReadyToRunImage(path, pe, metadata, major, minor, begins, ends, owners, tokens, methodBegins, methodEnds);
    }

    /// <summary>Decodes an entry point: the runtime function index, shifted left past a "has fixups" flag (and then one more bit).</summary>
    private static int? RuntimeFunctionOf(ReadOnlySpan<byte> table, int offset)
    {
        if (!NativeFormat.TryDecodeUnsigned(table, ref offset, out uint id))
        {
            return null;
        }

        uint function = (id & 1) != 0 ? id >> 2 : id >> 1;
        return function <= int.MaxValue ? (int)function : null;
    }

    private static void Mark(int[] starts, int function, int token)
    {
        if (function < starts.Length && starts[function] == 0)
        {
            starts[function] = token;
        }
    }

    private static unsafe ReadOnlySpan<byte> SectionData(PEReader pe, int rva)
    {
        if (rva <= 0)
        {
            return default;
        }

        PEMemoryBlock block = pe.GetSectionData(rva);
        return block.Pointer == null ? default : new ReadOnlySpan<byte>(block.Pointer, block.Length);
    }

    private string? TypeName(TypeDefinitionHandle handle)
    {
        string? name = null;
        for (int depth = 0; depth < 64 && !handle.IsNil; depth++)
        {
            TypeDefinition type = _metadata.GetTypeDefinition(handle);
            string simple = _metadata.GetString(type.Name);
            name = name is null ? simple : simple + "+" + name;
            handle = type.GetDeclaringType();
            if (handle.IsNil)
            {
                string ns = _metadata.GetString(type.Namespace);
                return ns.Length == 0 ? name : ns + "." + name;
            }
        }

        return name;
    }
}
