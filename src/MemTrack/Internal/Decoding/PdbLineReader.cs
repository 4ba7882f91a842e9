using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace MemTrack.Internal.Decoding;

/// <summary>
/// Maps (method token, IL offset) to a source line through one module's portable PDB, separate or embedded.
/// Takes the last sequence point at or before the IL offset, skipping hidden points. When the IL offset is unknown
/// (negative) or precedes every sequence point, the method's file is still known: line 0. A module without a readable
/// portable PDB answers null for every query.
/// </summary>
internal sealed class PdbLineReader : IDisposable
{
    private readonly PEReader? _peReader;
    private readonly MetadataReaderProvider? _pdbProvider;
    private readonly MetadataReader? _pdb;
    private readonly Dictionary<int, IlCallSite[]> _callSites = [];
    private readonly Dictionary<(IlCallKind, int), (string? Type, string? Method)> _siteNames = [];
    private Dictionary<MethodDefinitionHandle, MethodDefinitionHandle>? _moveNextByKickoff;

    private PdbLineReader(PEReader? peReader, MetadataReaderProvider? pdbProvider)
    {
        _peReader = peReader;
        _pdbProvider = pdbProvider;
        _pdb = pdbProvider?.GetMetadataReader();
    }

    public bool HasSymbols => _pdb is not null;

    /// <summary>Opens the module at <paramref name="modulePath"/> and its PDB; never throws. Without a PDB, lines are unknown but the IL is read.</summary>
    public static PdbLineReader Open(string modulePath)
    {
        PEReader? peReader = null;
        try
        {
            if (!File.Exists(modulePath))
            {
                return new PdbLineReader(null, null);
            }

            peReader = new PEReader(File.OpenRead(modulePath));
            if (peReader.TryOpenAssociatedPortablePdb(modulePath, OpenIfExists, out MetadataReaderProvider? provider, out _) && provider is not null)
            {
                return new PdbLineReader(peReader, provider);
            }

            if (peReader.HasMetadata)
            {
                // No symbols, but the IL can still say which methods call or allocate what (inline trees).
                return new PdbLineReader(peReader, null);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or BadImageFormatException or InvalidOperationException)
        {
            // No usable symbols: frames keep method and module only.
        }

        peReader?.Dispose();
        return new PdbLineReader(null, null);
    }

    /// <summary>
    /// The line of <paramref name="ilOffset"/> in the method; line 0 in the method's file when the offset is negative
    /// (optimized code can have native ranges the IL map leaves unmapped) or precedes every sequence point; null when
    /// the method has no sequence point or the module no PDB. The kickoff method of a state machine (an async method
    /// or iterator: the stub that creates the state machine, allocating it in Debug builds, and starts it) has no
    /// sequence points: it gets its <c>MoveNext</c>'s file and first line, the method's opening brace.
    /// </summary>
    public SourceLocation? Find(int methodToken, int ilOffset)
    {
        if (_pdb is null || (methodToken >> 24) != 0x06)
        {
            return null;
        }

        try
        {
            var handle = MetadataTokens.MethodDefinitionHandle(methodToken & 0x00FFFFFF);
            if (Locate(handle, ilOffset) is var (first, best))
            {
                return best is { } found ? LocationOf(found, found.StartLine) : LocationOf(first, 0);
            }

            return MoveNextOf(handle) is { } moveNext && Locate(moveNext, -1) is (SequencePoint opening, _)
                ? LocationOf(opening, opening.StartLine)
                : null;
        }
        catch (Exception ex) when (ex is BadImageFormatException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// The call-like instructions of a method, by ascending IL offset (<see cref="IlCallSites"/>), read from the
    /// module's IL once per method; empty when the module or the body cannot be read.
    /// </summary>
    public IlCallSite[] CallSites(int methodToken)
    {
        if (_peReader is null || (methodToken >> 24) != 0x06)
        {
            return [];
        }

        if (!_callSites.TryGetValue(methodToken, out IlCallSite[]? sites))
        {
            sites = [];
            try
            {
                var handle = MetadataTokens.MethodDefinitionHandle(methodToken & 0x00FFFFFF);
                int rva = _peReader.GetMetadataReader().GetMethodDefinition(handle).RelativeVirtualAddress;
                if (rva != 0)
                {
                    sites = IlCallSites.Find(_peReader.GetMethodBody(rva).GetILContent().AsSpan());
                }
            }
            catch (Exception ex) when (ex is BadImageFormatException or ArgumentException or InvalidOperationException)
            {
                // No IL: the frame keeps the map's line.
            }

            _callSites[methodToken] = sites;
        }

        return sites;
    }

    /// <summary>
    /// The simple names (<see cref="SimpleNames"/>) of what a call-like instruction allocates and calls: <c>newarr T</c>
    /// allocates <c>T[]</c>, <c>box T</c> and <c>newobj T::.ctor</c> allocate <c>T</c> (the latter also calls <c>.ctor</c>),
    /// a call calls its method. Nulls where unknown. Cached per operand.
    /// </summary>
    public (string? Type, string? Method) SiteNames(IlCallSite site)
    {
        if (_peReader is null)
        {
            return (null, null);
        }

        if (!_siteNames.TryGetValue((site.Kind, site.Token), out var names))
        {
            try
            {
                MetadataReader metadata = _peReader.GetMetadataReader();
                EntityHandle operand = MetadataTokens.EntityHandle(site.Token);
                names = site.Kind switch
                {
                    IlCallKind.NewArray => (TypeName(metadata, operand) + "[]", null),
                    IlCallKind.Box => (TypeName(metadata, operand), null),
                    IlCallKind.NewObject => (TypeName(metadata, DeclaringType(metadata, operand)), ".ctor"),
                    IlCallKind.Call or IlCallKind.CallVirtual => (null, MethodName(metadata, operand)),
                    _ => (null, null),
                };
            }
            catch (Exception ex) when (ex is BadImageFormatException or ArgumentException or InvalidOperationException)
            {
                names = (null, null);
            }

            _siteNames[(site.Kind, site.Token)] = names;
        }

        return names;
    }

    public void Dispose()
    {
        _pdbProvider?.Dispose();
        _peReader?.Dispose();
    }

    /// <summary>
    /// The method's first non-hidden sequence point and the last one at or before <paramref name="ilOffset"/> (none when
    /// the offset is negative or precedes them all); null when the method has no non-hidden sequence point.
    /// </summary>
    private (SequencePoint First, SequencePoint? Best)? Locate(MethodDefinitionHandle method, int ilOffset)
    {
        SequencePoint? first = null;
        SequencePoint? best = null;
        foreach (SequencePoint point in _pdb!.GetMethodDebugInformation(method).GetSequencePoints())
        {
            if (point.IsHidden)
            {
                continue;
            }

            first ??= point;
            if (ilOffset < 0 || point.Offset > ilOffset)
            {
                break;
            }

            best = point;
        }

        return first is { } found ? (found, best) : null;
    }

    private SourceLocation LocationOf(SequencePoint point, int line) => new(_pdb!.GetString(_pdb.GetDocument(point.Document).Name), line);

    /// <summary>The <c>MoveNext</c> of the state machine whose kickoff method this is (the PDB's StateMachineMethod table), if any.</summary>
    private MethodDefinitionHandle? MoveNextOf(MethodDefinitionHandle kickoff)
    {
        if (_moveNextByKickoff is null)
        {
            // The table maps MoveNext -> kickoff; built reversed once per module, on the first method without lines.
            _moveNextByKickoff = [];
            foreach (MethodDebugInformationHandle method in _pdb!.MethodDebugInformation)
            {
                MethodDefinitionHandle start = _pdb.GetMethodDebugInformation(method).GetStateMachineKickoffMethod();
                if (!start.IsNil)
                {
                    _moveNextByKickoff[start] = method.ToDefinitionHandle();
                }
            }
        }

        return _moveNextByKickoff.TryGetValue(kickoff, out MethodDefinitionHandle moveNext) ? moveNext : null;
    }

    /// <summary>A type operand's simple name; <see cref="SimpleNames.GenericParameter"/> for a type spec (a generic parameter or instance, whose name is not compared).</summary>
    private static string TypeName(MetadataReader metadata, EntityHandle type) => type.Kind switch
    {
        HandleKind.TypeDefinition => metadata.GetString(metadata.GetTypeDefinition((TypeDefinitionHandle)type).Name),
        HandleKind.TypeReference => metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)type).Name),
        HandleKind.TypeSpecification => TypeSpecName(metadata, metadata.GetBlobReader(metadata.GetTypeSpecification((TypeSpecificationHandle)type).Signature)),
        _ => SimpleNames.GenericParameter,
    };

    /// <summary>The simple name of a type signature: a generic instance by its definition, an array by its element plus <c>[]</c>; anything else (a generic parameter) is <see cref="SimpleNames.GenericParameter"/>.</summary>
    private static string TypeSpecName(MetadataReader metadata, BlobReader signature)
    {
        switch (signature.ReadByte())
        {
            case 0x15: // GENERICINST (CLASS | VALUETYPE) TypeDefOrRef ...
                _ = signature.ReadByte();
                return TypeName(metadata, signature.ReadTypeHandle());
            case 0x1D: // SZARRAY element
                string element = TypeSpecName(metadata, signature);
                return element == SimpleNames.GenericParameter ? element : element + "[]";
            case 0x11 or 0x12: // VALUETYPE | CLASS TypeDefOrRef
                return TypeName(metadata, signature.ReadTypeHandle());
            default:
                return SimpleNames.GenericParameter;
        }
    }

    private static EntityHandle DeclaringType(MetadataReader metadata, EntityHandle method) => method.Kind switch
    {
        HandleKind.MethodDefinition => metadata.GetMethodDefinition((MethodDefinitionHandle)method).GetDeclaringType(),
        HandleKind.MemberReference => metadata.GetMemberReference((MemberReferenceHandle)method).Parent,
        _ => default,
    };

    private static string? MethodName(MetadataReader metadata, EntityHandle method) => method.Kind switch
    {
        HandleKind.MethodDefinition => metadata.GetString(metadata.GetMethodDefinition((MethodDefinitionHandle)method).Name),
        HandleKind.MemberReference => metadata.GetString(metadata.GetMemberReference((MemberReferenceHandle)method).Name),
        HandleKind.MethodSpecification => MethodName(metadata, metadata.GetMethodSpecification((MethodSpecificationHandle)method).Method),
        _ => null,
    };

    private static Stream? OpenIfExists(string path) => File.Exists(path) ? File.OpenRead(path) : null;
}
