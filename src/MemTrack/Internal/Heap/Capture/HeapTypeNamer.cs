using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using MemTrack.Internal.Heap.Graph;

namespace MemTrack.Internal.Heap.Capture;

/// <summary>
/// Names the types of a heap dump unambiguously. The runtime names a nested type by its simple name only (every
/// <c>Dictionary`2+Entry</c> is <c>Entry</c>); this rebuilds <c>Ns.Outer+Inner</c> names from the metadata of the
/// defining module (found through the module rundown and the loaded assemblies, read in place), with generic
/// arguments and array elements named the same way. A type whose module cannot be read keeps the runtime's name.
/// The same module-to-assembly mapping says which types are MemTrack's own (<see cref="IsOwn(ulong)"/>).
/// </summary>
internal sealed class HeapTypeNamer
{
    private const int MaxNesting = 32;

    private readonly IReadOnlyDictionary<ulong, HeapTypeInfo> _types;
    private readonly Dictionary<ulong, MetadataTypeNames?> _modules = [];
    private readonly Dictionary<ulong, string> _names = [];
    private readonly HashSet<ulong> _ownModules = [];
    private readonly Dictionary<ulong, bool> _own = [];

    public HeapTypeNamer(IReadOnlyDictionary<ulong, HeapTypeInfo> types, IReadOnlyDictionary<ulong, string> modulePaths)
    {
        _types = types;
        var byPath = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        foreach (Assembly assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (!assembly.IsDynamic && assembly.Location.Length > 0)
            {
                byPath.TryAdd(assembly.Location, assembly);
            }
        }

        foreach ((ulong moduleId, string path) in modulePaths)
        {
            if (!byPath.TryGetValue(path, out Assembly? assembly))
            {
                _modules[moduleId] = null;
                continue;
            }

            _modules[moduleId] = MetadataTypeNames.ReaderOf(assembly) is MetadataReader reader ? new MetadataTypeNames(reader) : null;
            if (OwnAssemblies.Contains(assembly))
            {
                _ownModules.Add(moduleId);
            }
        }
    }

    public string NameOf(ulong typeId) => NameOf(typeId, 0);

    /// <summary>
    /// Whether the type is defined in one of the <see cref="OwnAssemblies"/>, or is an array or generic instantiation
    /// with an own element or argument (<c>MemTrack.Trace[]</c>, <c>Dictionary`2[UInt64,HeapTypeInfo]</c>).
    /// </summary>
    public bool IsOwn(ulong typeId) => IsOwn(typeId, 0);

    private bool IsOwn(ulong typeId, int depth)
    {
        if (_own.TryGetValue(typeId, out bool known))
        {
            return known;
        }

        if (!_types.TryGetValue(typeId, out HeapTypeInfo? type))
        {
            return false;
        }

        bool own = _ownModules.Contains(type.ModuleId)
            || (depth < MaxNesting && type.Parameters.Any(p => IsOwn(p, depth + 1)));
        _own[typeId] = own;
        return own;
    }

    private string NameOf(ulong typeId, int depth)
    {
        if (_names.TryGetValue(typeId, out string? known))
        {
            return known;
        }

        if (!_types.TryGetValue(typeId, out HeapTypeInfo? type))
        {
            return FormattableString.Invariant($"Type(0x{typeId:x})");
        }

        string name = depth < MaxNesting ? Compose(type, depth) ?? type.RuntimeName : type.RuntimeName;
        _names[typeId] = name;
        return name;
    }

    private string? Compose(HeapTypeInfo type, int depth)
    {
        if (type.IsArray)
        {
            // The rank suffix ("[]", "[,]") is the runtime name's last bracket group.
            int suffix = type.RuntimeName.LastIndexOf('[');
            return type.Parameters.Length == 1 && suffix >= 0 ? NameOf(type.Parameters[0], depth + 1) + type.RuntimeName[suffix..] : null;
        }

        if (!_modules.TryGetValue(type.ModuleId, out MetadataTypeNames? metadata) || metadata is null || (type.Token >> 24) != 0x02)
        {
            return null;
        }

        string definition;
        try
        {
            definition = metadata.FullName(MetadataTokens.TypeDefinitionHandle(type.Token & 0xFFFFFF));
        }
        catch (BadImageFormatException)
        {
            return null;
        }

        return type.Parameters.Length == 0
            ? definition
            : HeapTypeNameFormat.Generic(definition, type.Parameters.Select(p => NameOf(p, depth + 1)));
    }
}
