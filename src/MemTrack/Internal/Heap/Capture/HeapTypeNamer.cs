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
/// The same module-to-assembly mapping says which types are MemTrack's own (<see cref="IsOwn(ulong)"/>) and finds
/// the loaded type of a type id (<see cref="TypeOf(ulong)"/>).
/// </summary>
internal sealed class HeapTypeNamer
{
    private const int MaxNesting = 32;

    private readonly IReadOnlyDictionary<ulong, HeapTypeInfo> _types;
    private readonly Dictionary<ulong, MetadataTypeNames?> _modules = [];
    private readonly Dictionary<ulong, string> _names = [];
    private readonly HashSet<ulong> _ownModules = [];
    private readonly Dictionary<ulong, bool> _own = [];
    private readonly Dictionary<ulong, Assembly> _assemblies = [];
    private readonly Dictionary<ulong, Type?> _loaded = [];

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

            _assemblies[moduleId] = assembly;
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

    /// <summary>
    /// The loaded type of a type id (its definition resolved in its module, instantiated with its arguments, or an
    /// array of its element), or null when its module is not a loaded assembly of this process or it cannot be built.
    /// </summary>
    public Type? TypeOf(ulong typeId) => TypeOf(typeId, 0);

    /// <summary>
    /// The loaded type of a heap type name among <paramref name="typeIds"/>, or null. A name that two of them share
    /// (one type name in two assemblies or load contexts: the graph keeps one type for both) gives null, never the
    /// wrong one's type.
    /// </summary>
    public Func<string, Type?> TypeByName(IEnumerable<ulong> typeIds)
    {
        var byName = new Dictionary<string, ulong?>(StringComparer.Ordinal);
        foreach (ulong typeId in typeIds)
        {
            string name = NameOf(typeId);
            byName[name] = byName.ContainsKey(name) ? null : typeId;
        }

        return name => byName.TryGetValue(name, out ulong? typeId) && typeId is ulong id ? TypeOf(id) : null;
    }

    private Type? TypeOf(ulong typeId, int depth)
    {
        if (_loaded.TryGetValue(typeId, out Type? known))
        {
            return known;
        }

        Type? type = null;
        if (depth < MaxNesting && _types.TryGetValue(typeId, out HeapTypeInfo? info))
        {
            try
            {
                type = Load(info, depth);
            }
            catch (Exception ex) when (ex is ArgumentException or TypeLoadException or BadImageFormatException or IOException or NotSupportedException)
            {
                type = null;
            }
        }

        _loaded[typeId] = type;
        return type;
    }

    private Type? Load(HeapTypeInfo info, int depth)
    {
        if (info.IsArray)
        {
            // The rank suffix: "[]" a vector, "[*]" a one-dimensional array with bounds, "[,]" rank 2 (commas + 1).
            ReadOnlySpan<char> suffix = info.RuntimeName.AsSpan(info.RuntimeName.LastIndexOf('[') + 1);
            int rank = suffix.Count(',') + 1;
            return info.Parameters.Length == 1 && TypeOf(info.Parameters[0], depth + 1) is Type element
                ? (suffix is "]" ? element.MakeArrayType() : element.MakeArrayType(rank))
                : null;
        }

        if ((info.Token >> 24) != 0x02 || !_assemblies.TryGetValue(info.ModuleId, out Assembly? assembly))
        {
            return null;
        }

        Type definition = assembly.ManifestModule.ResolveType(info.Token);
        if (info.Parameters.Length == 0)
        {
            return definition;
        }

        var arguments = new Type[info.Parameters.Length];
        for (int i = 0; i < arguments.Length; i++)
        {
            if (TypeOf(info.Parameters[i], depth + 1) is not Type argument)
            {
                return null;
            }

            arguments[i] = argument;
        }

        return definition.MakeGenericType(arguments);
    }

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
