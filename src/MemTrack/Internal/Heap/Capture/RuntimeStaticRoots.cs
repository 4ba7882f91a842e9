using MemTrack.Internal.Heap.Graph;

namespace MemTrack.Internal.Heap.Capture;

/// <summary>
/// Names the statics the runtime's heap dump does not name, from the graph's shape and the loaded metadata (a
/// capture of the current process only). Measured on .NET 10:
/// <list type="bullet">
/// <item>Statics of generic instantiations (<c>Registry&lt;Order&gt;.s_items</c>) get no GCBulkRootStaticVar event: their
/// objects sit in the runtime's statics table, <c>object[]</c> buckets behind strong handles that also hold every
/// other static's object, interned strings and type objects. A strong-handle <c>object[]</c> is taken for such a
/// bucket (and its root renamed) only when it holds type objects and strings and most of its references are objects
/// of named static roots. An object in a bucket that no static root names is named when a static field of a generic
/// type definition, as its metadata declares it, has a type whose name, with the definition's parameters bound, is
/// exactly the object's type name (<c>List`1[!0]</c> against <c>List`1[Ns.Order]</c> names
/// <c>Ns.Registry`1[Ns.Order].s_items</c>). Only names are compared: no type is loaded or instantiated, so the named
/// instantiation is one whose static could hold the object (its constraints are not checked), and every such
/// candidate is listed, the framework's too (<c>List`1[T].s_emptyArray</c> holds a <c>T[]</c> for every T in use).</item>
/// <item>Thread statics are reported as stack roots: a thread's <c>object[]</c> of per-type <c>object[]</c>s, one slot
/// per reference-type <c>[ThreadStatic]</c> field of the type. A storage array matches a type whose
/// <c>[ThreadStatic]</c> fields can hold all of its objects at once (each object in a different field whose declared
/// type's name is the name of the object's type, a base type or an interface, a generic type's parameters bound as
/// above); it is typed evidence when one of those fields is not declared <c>object</c> (which holds anything). The
/// stack root is renamed thread-static storage, and its objects named, only when every non-empty storage array
/// matches and most match with typed evidence (a thread-pool thread has one holding a node in an object field). Only
/// names are compared (the object's own loaded type gives its bases), no field is loaded.</item>
/// </list>
/// Not named: a generic static declared as a bare type parameter (<c>static T s_value</c>, which any object would
/// fit), statics whose generic arguments the field type does not determine (named by the open definition for thread
/// statics), and value-type statics (not objects of the heap). Those stay reached through the statics table or the
/// thread's storage.
/// </summary>
internal static class RuntimeStaticRoots
{
    public const string StaticsTable = "runtime statics table (statics of generic types, interned strings, type objects)";

    public const string ThreadStaticStorage = "thread-static storage of a thread";

    private const string ObjectArray = "System.Object[]";
    private const string RuntimeType = "System.RuntimeType";
    private const string String = "System.String";

    /// <summary>The graph with the roots of generic and thread statics added and the runtime's storage roots renamed.</summary>
    /// <param name="graph">A capture of the current process.</param>
    /// <param name="indexes">The loaded assemblies' static fields.</param>
    /// <param name="typeOf">The loaded type of a heap type name, or null.</param>
    public static HeapGraph Name(HeapGraph graph, StaticFieldIndex[] indexes, Func<string, Type?> typeOf)
    {
        int objectArray = graph.TypeIndexOf(ObjectArray);
        if (objectArray < 0)
        {
            return graph;
        }

        var roots = new List<HeapRoot>(graph.Roots);
        int before = roots.Count;
        bool renamed = NameGenericStatics(graph, objectArray, indexes, roots);
        renamed |= NameThreadStatics(graph, objectArray, indexes, typeOf, roots);
        return renamed || roots.Count != before ? graph.WithRoots([.. roots]) : graph;
    }

    private static bool NameGenericStatics(HeapGraph graph, int objectArray, StaticFieldIndex[] indexes, List<HeapRoot> roots)
    {
        var named = new HashSet<int>(graph.Roots.Where(r => r.Kind == RootKind.StaticField).Select(r => r.Node));
        var seen = new HashSet<int>();
        Dictionary<string, List<(StaticFieldDeclaration Field, HeapTypeNameShape FieldType)>>? fields = null;
        bool renamed = false;
        int count = roots.Count;
        for (int r = 0; r < count; r++)
        {
            HeapRoot root = roots[r];
            if (root.Kind != RootKind.StrongHandle || graph.Types[root.Node] != objectArray || !IsStaticsTable(graph, root.Node, named))
            {
                continue;
            }

            roots[r] = root with { Name = StaticsTable };
            renamed = true;
            foreach (int node in graph.References(root.Node))
            {
                if (named.Contains(node) || !seen.Add(node) || HeapTypeNameShape.Parse(graph.TypeName(node)) is not HeapTypeNameShape type)
                {
                    continue;
                }

                fields ??= GenericFieldsByHead(indexes);
                if (!fields.TryGetValue(type.Head, out List<(StaticFieldDeclaration Field, HeapTypeNameShape FieldType)>? candidates))
                {
                    continue;
                }

                var found = new List<(string DeclaringType, StaticFieldDeclaration Field)>();
                foreach ((StaticFieldDeclaration field, HeapTypeNameShape fieldType) in candidates)
                {
                    if (Instantiation(field.DeclaringType, fieldType, type) is string declaring && declaring != field.DeclaringType)
                    {
                        found.Add((declaring, field));
                    }
                }

                if (found.Count > 0)
                {
                    // Every candidate is listed, the framework's too: List<T>.s_emptyArray and the like sit in the
                    // table for every T in use, so a user's static T[] is no better evidence than theirs.
                    (string name, bool isOwn) = StaticFieldNames.Describe(found, keepFramework: true);
                    roots.Add(new HeapRoot(node, RootKind.StaticField, name, isOwn));
                }
            }
        }

        return renamed;
    }

    /// <summary>
    /// Whether a strong-handle <c>object[]</c> is a bucket of the runtime's statics table: it holds type objects and
    /// strings, and at least a quarter of its references are objects that named static roots hold too (a user's
    /// handle to an array with a static's object in it is not enough). Measured in the test host: 1150 of 1446 and
    /// 762 of 888 in the older buckets, 35 of 96 in the newest (filled mostly by cached lambdas and generic statics).
    /// </summary>
    private static bool IsStaticsTable(HeapGraph graph, int array, HashSet<int> named)
    {
        int runtimeType = graph.TypeIndexOf(RuntimeType);
        int str = graph.TypeIndexOf(String);
        bool types = false, strings = false;
        int held = 0;
        ReadOnlySpan<int> references = graph.References(array);
        foreach (int node in references)
        {
            types |= graph.Types[node] == runtimeType;
            strings |= graph.Types[node] == str;
            held += named.Contains(node) ? 1 : 0;
        }

        return types && strings && held * 4 >= references.Length;
    }

    private static bool NameThreadStatics(HeapGraph graph, int objectArray, StaticFieldIndex[] indexes, Func<string, Type?> typeOf, List<HeapRoot> roots)
    {
        Dictionary<string, List<ThreadStaticField>>? byType = null;
        var done = new HashSet<int>();
        bool renamed = false;
        int count = roots.Count;
        for (int r = 0; r < count; r++)
        {
            HeapRoot root = roots[r];
            ReadOnlySpan<int> storages = graph.References(root.Node);
            if (root.Kind != RootKind.Stack || graph.Types[root.Node] != objectArray || storages.IsEmpty || !All(graph, storages, objectArray))
            {
                continue;
            }

            // Renamed only when every storage array holds what the thread statics of one loaded type can hold, and
            // most of them by a field declared with a type other than object (a field of object holds anything).
            var added = new List<HeapRoot>();
            int matched = 0, typed = 0;
            foreach (int storage in storages)
            {
                if (done.Contains(storage) || graph.References(storage).IsEmpty)
                {
                    continue;
                }

                byType ??= ThreadStaticFieldsByType(indexes);
                if (StorageRoots(graph, storage, byType, typeOf) is not (List<HeapRoot> named, bool isTyped))
                {
                    matched = -1;
                    break;
                }

                added.AddRange(named);
                matched++;
                typed += isTyped ? 1 : 0;
            }

            if (matched > 0 && typed * 2 > matched)
            {
                roots.AddRange(added);
                done.UnionWith(storages.ToArray());
                roots[r] = root with { Name = ThreadStaticStorage };
                renamed = true;
            }
        }

        return renamed;
    }

    /// <summary>
    /// The roots naming the objects of one thread-static storage array, or null when no loaded type's
    /// <c>[ThreadStatic]</c> fields can hold them all at once (each object in a different field whose declared type's
    /// name is that of the object's type, a base type or an interface). <c>Typed</c> when a type's fields hold them
    /// with at least one field not declared <c>object</c>; otherwise only object fields could hold them, and each
    /// object is named by every such candidate, the framework's included.
    /// </summary>
    private static (List<HeapRoot> Roots, bool Typed)? StorageRoots(HeapGraph graph, int storage, Dictionary<string, List<ThreadStaticField>> byType, Func<string, Type?> typeOf)
    {
        StoredObject[] objects = [.. graph.References(storage).ToArray().Select(o => new StoredObject(o, graph.TypeName(o), typeOf))];
        List<ThreadStaticField>[] candidates = [.. byType.Values.Where(fields => fields.Count >= objects.Length && CanHoldAll(fields, objects))];
        List<ThreadStaticField>[] declaring = [.. candidates.Where(fields => fields.Exists(f => !f.IsObject && Array.Exists(objects, o => f.Instantiation(o) is not null)))];
        bool isTyped = declaring.Length > 0;
        if (!isTyped)
        {
            declaring = candidates;
        }

        if (declaring.Length == 0)
        {
            return null;
        }

        var roots = new List<HeapRoot>();
        foreach (StoredObject stored in objects)
        {
            List<(string DeclaringType, StaticFieldDeclaration Field)> found =
                [.. declaring.SelectMany(fields => fields).Select(f => (DeclaringType: f.Instantiation(stored), Field: f.Declaration)).Where(f => f.DeclaringType is not null).Select(f => (f.DeclaringType!, f.Field))];
            if (found.Count > 0)
            {
                (string name, bool isOwn) = StaticFieldNames.Describe(found, keepFramework: !isTyped);
                roots.Add(new HeapRoot(stored.Node, RootKind.ThreadStaticField, name, isOwn));
            }
        }

        return (roots, isTyped);
    }

    /// <summary>
    /// Whether each object can go to a different field, one that can hold it: a bipartite matching (a handful of
    /// objects and fields, augmenting paths).
    /// </summary>
    private static bool CanHoldAll(List<ThreadStaticField> fields, StoredObject[] objects)
    {
        var holder = new int[fields.Count];
        Array.Fill(holder, -1);
        for (int o = 0; o < objects.Length; o++)
        {
            if (!Assign(o, new bool[fields.Count]))
            {
                return false;
            }
        }

        return true;

        bool Assign(int o, bool[] visited)
        {
            for (int f = 0; f < fields.Count; f++)
            {
                if (!visited[f] && fields[f].Instantiation(objects[o]) is not null)
                {
                    visited[f] = true;
                    if (holder[f] < 0 || Assign(holder[f], visited))
                    {
                        holder[f] = o;
                        return true;
                    }
                }
            }

            return false;
        }
    }

    /// <summary>The loaded generic fields by the head of their declared type's name (generic definition or array shape); no type is loaded.</summary>
    private static Dictionary<string, List<(StaticFieldDeclaration Field, HeapTypeNameShape FieldType)>> GenericFieldsByHead(StaticFieldIndex[] indexes) =>
        ByKey(indexes.SelectMany(i => i.GenericFields)
            .Select(f => (Field: f, FieldType: HeapTypeNameShape.Parse(f.FieldType)))
            .Where(f => f.FieldType is not null)
            .Select(f => (f.FieldType!.Head, (f.Field, f.FieldType!))));

    /// <summary>The loaded thread-static fields by declaring type name; no type is loaded.</summary>
    private static Dictionary<string, List<ThreadStaticField>> ThreadStaticFieldsByType(StaticFieldIndex[] indexes) =>
        ByKey(indexes.SelectMany(i => i.ThreadStaticFields).Select(f => (f.DeclaringType, new ThreadStaticField(f))));

    private static Dictionary<string, List<T>> ByKey<T>(IEnumerable<(string Key, T Value)> items)
    {
        var byKey = new Dictionary<string, List<T>>(StringComparer.Ordinal);
        foreach ((string key, T value) in items)
        {
            if (!byKey.TryGetValue(key, out List<T>? list))
            {
                list = [];
                byKey.Add(key, list);
            }

            list.Add(value);
        }

        return byKey;
    }

    /// <summary>
    /// The name of the instantiation of <paramref name="definition"/> whose field of <paramref name="fieldType"/> has
    /// exactly the type <paramref name="objectType"/> (built from the names; no type is created), or null when there
    /// is none or the field type leaves a parameter open (then, with <paramref name="open"/>, the definition's name).
    /// A non-generic <paramref name="definition"/> is named as it is when the names are equal.
    /// </summary>
    public static string? Instantiation(string definition, HeapTypeNameShape fieldType, HeapTypeNameShape objectType, bool open = false)
    {
        var arguments = new string?[HeapTypeNameShape.ParameterCount(definition)];
        if (!fieldType.Unify(objectType, arguments))
        {
            return null;
        }

        return arguments.Length == 0 || Array.IndexOf(arguments, null) >= 0
            ? (open || arguments.Length == 0 ? definition : null)
            : HeapTypeNameFormat.Generic(definition, arguments!);
    }

    private static bool All(HeapGraph graph, ReadOnlySpan<int> nodes, int type)
    {
        foreach (int node in nodes)
        {
            if (graph.Types[node] != type)
            {
                return false;
            }
        }

        return true;
    }
}
