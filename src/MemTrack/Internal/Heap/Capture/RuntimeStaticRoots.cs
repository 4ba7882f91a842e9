using MemTrack.Internal.Heap.Graph;

namespace MemTrack.Internal.Heap.Capture;

/// <summary>
/// Names the statics the runtime's heap dump does not name, from the graph's shape and the loaded metadata (a
/// capture of the current process only). Measured on .NET 10:
/// <list type="bullet">
/// <item>Statics of generic instantiations (<c>Registry&lt;Order&gt;.s_items</c>) get no GCBulkRootStaticVar event: their
/// objects sit in the runtime's statics table, <c>object[]</c> buckets behind strong handles that also hold every
/// other static's object, interned strings and type objects. An object in such a bucket that no static root names is
/// named when a static field of a loaded generic type definition has a type that, with the definition's parameters
/// substituted, is exactly the object's type (<c>List&lt;T&gt;</c> with T := Order names
/// <c>Ns.Registry`1[Ns.Order].s_items</c>). The bucket's own handle is named as the statics table, not as a user's
/// strong handle.</item>
/// <item>Thread statics are reported as stack roots: a thread's <c>object[]</c> of per-type <c>object[]</c>s, one slot
/// per reference-type <c>[ThreadStatic]</c> field of the type. An object in such storage is named by the
/// <c>[ThreadStatic]</c> fields of a loaded non-generic type that can hold all of that storage's objects at once
/// (each object assignable to a different field); the storage's stack root is named as thread-static storage.</item>
/// </list>
/// Not named: a generic static declared as a bare type parameter (<c>static T s_value</c>, which any object would
/// fit), statics whose generic arguments the field type does not determine, thread statics of generic types, and
/// value-type statics (not objects of the heap). Those stay reached through the statics table or the thread's storage.
/// </summary>
internal static class RuntimeStaticRoots
{
    public const string StaticsTable = "runtime statics table (statics of generic types, interned strings, type objects)";

    public const string ThreadStaticStorage = "thread-static storage of a thread";

    private const string ObjectArray = "System.Object[]";

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
        bool renamed = NameGenericStatics(graph, objectArray, indexes, typeOf, roots);
        renamed |= NameThreadStatics(graph, objectArray, indexes, typeOf, roots);
        return renamed || roots.Count != before ? graph.WithRoots([.. roots]) : graph;
    }

    private static bool NameGenericStatics(HeapGraph graph, int objectArray, StaticFieldIndex[] indexes, Func<string, Type?> typeOf, List<HeapRoot> roots)
    {
        var named = new HashSet<int>(graph.Roots.Where(r => r.Kind == RootKind.StaticField).Select(r => r.Node));
        var seen = new HashSet<int>();
        Dictionary<object, List<(StaticFieldDeclaration Field, Type FieldType, Type Definition)>>? fields = null;
        bool renamed = false;
        int count = roots.Count;
        for (int r = 0; r < count; r++)
        {
            HeapRoot root = roots[r];
            if (root.Kind != RootKind.StrongHandle || graph.Types[root.Node] != objectArray || !Any(graph.References(root.Node), named))
            {
                continue;
            }

            roots[r] = root with { Name = StaticsTable };
            renamed = true;
            foreach (int node in graph.References(root.Node))
            {
                if (named.Contains(node) || !seen.Add(node) || typeOf(graph.TypeName(node)) is not Type type || Head(type) is not object head)
                {
                    continue;
                }

                fields ??= GenericFieldsByHead(indexes);
                if (!fields.TryGetValue(head, out List<(StaticFieldDeclaration Field, Type FieldType, Type Definition)>? candidates))
                {
                    continue;
                }

                var found = new List<(string DeclaringType, StaticFieldDeclaration Field)>();
                foreach ((StaticFieldDeclaration field, Type fieldType, Type definition) in candidates)
                {
                    if (Instantiation(definition, fieldType, type) is Type declaring)
                    {
                        found.Add((RuntimeTypeName.Of(declaring), field));
                    }
                }

                if (found.Count > 0)
                {
                    (string name, bool isOwn) = StaticFieldNames.Describe(found);
                    roots.Add(new HeapRoot(node, RootKind.StaticField, name, isOwn));
                }
            }
        }

        return renamed;
    }

    private static bool NameThreadStatics(HeapGraph graph, int objectArray, StaticFieldIndex[] indexes, Func<string, Type?> typeOf, List<HeapRoot> roots)
    {
        Dictionary<Type, List<(StaticFieldDeclaration Field, Type FieldType)>>? byType = null;
        var seen = new HashSet<int>();
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

            bool any = false;
            foreach (int storage in storages)
            {
                int[] objects = graph.References(storage).ToArray();
                if (objects.Length == 0 || !seen.Add(storage))
                {
                    continue;
                }

                Type?[] types = [.. objects.Select(o => typeOf(graph.TypeName(o)))];
                byType ??= ThreadStaticFieldsByType(indexes);
                List<List<(StaticFieldDeclaration Field, Type FieldType)>> declaring = [.. byType.Values.Where(fields => CanHoldAll(fields, types))];
                if (declaring.Count == 0)
                {
                    continue;
                }

                any = true;
                for (int o = 0; o < objects.Length; o++)
                {
                    if (types[o] is not Type type)
                    {
                        continue;
                    }

                    List<(string DeclaringType, StaticFieldDeclaration Field)> found =
                        [.. declaring.SelectMany(fields => fields).Where(f => f.FieldType.IsAssignableFrom(type)).Select(f => (f.Field.DeclaringType, f.Field))];
                    (string name, bool isOwn) = StaticFieldNames.Describe(found);
                    roots.Add(new HeapRoot(objects[o], RootKind.ThreadStaticField, name, isOwn));
                }
            }

            if (any)
            {
                roots[r] = root with { Name = ThreadStaticStorage };
                renamed = true;
            }
        }

        return renamed;
    }

    /// <summary>
    /// Whether each object (of a known type) can go to a different field, one that can hold it: a bipartite matching
    /// (a handful of objects and fields, augmenting paths).
    /// </summary>
    private static bool CanHoldAll(List<(StaticFieldDeclaration Field, Type FieldType)> fields, Type?[] types)
    {
        var holder = new int[fields.Count];
        Array.Fill(holder, -1);
        for (int o = 0; o < types.Length; o++)
        {
            if (types[o] is not null && !Assign(o, new bool[fields.Count]))
            {
                return false;
            }
        }

        return true;

        bool Assign(int o, bool[] visited)
        {
            for (int f = 0; f < fields.Count; f++)
            {
                if (!visited[f] && fields[f].FieldType.IsAssignableFrom(types[o]))
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

    /// <summary>The loaded generic fields by the head of their type: its generic definition, or its array shape.</summary>
    private static Dictionary<object, List<(StaticFieldDeclaration Field, Type FieldType, Type Definition)>> GenericFieldsByHead(StaticFieldIndex[] indexes)
    {
        var byHead = new Dictionary<object, List<(StaticFieldDeclaration Field, Type FieldType, Type Definition)>>();
        foreach (StaticFieldDeclaration field in indexes.SelectMany(i => i.GenericFields))
        {
            if (field.Field is { DeclaringType: { IsGenericTypeDefinition: true } definition } info && Head(info.FieldType) is object head)
            {
                if (!byHead.TryGetValue(head, out List<(StaticFieldDeclaration Field, Type FieldType, Type Definition)>? list))
                {
                    list = [];
                    byHead.Add(head, list);
                }

                list.Add((field, info.FieldType, definition));
            }
        }

        return byHead;
    }

    /// <summary>The loaded reference-type thread-static fields, by declaring type.</summary>
    private static Dictionary<Type, List<(StaticFieldDeclaration Field, Type FieldType)>> ThreadStaticFieldsByType(StaticFieldIndex[] indexes)
    {
        var byType = new Dictionary<Type, List<(StaticFieldDeclaration Field, Type FieldType)>>();
        foreach (StaticFieldDeclaration field in indexes.SelectMany(i => i.ThreadStaticFields))
        {
            if (field.Field is { DeclaringType: Type declaring, FieldType: { IsValueType: false } fieldType })
            {
                if (!byType.TryGetValue(declaring, out List<(StaticFieldDeclaration Field, Type FieldType)>? list))
                {
                    list = [];
                    byType.Add(declaring, list);
                }

                list.Add((field, fieldType));
            }
        }

        return byType;
    }

    /// <summary>What a field type and an object type must share to match: the generic definition, or the array shape; null for other types.</summary>
    private static object? Head(Type type) => type switch
    {
        { IsArray: true } => (type.IsSZArray, type.GetArrayRank()),
        { IsGenericType: true } => type.GetGenericTypeDefinition(),
        _ => null,
    };

    /// <summary>
    /// The instantiation of <paramref name="definition"/> whose field of <paramref name="fieldType"/> has exactly the
    /// type <paramref name="objectType"/>, or null when there is none or the field type leaves a parameter open.
    /// </summary>
    private static Type? Instantiation(Type definition, Type fieldType, Type objectType)
    {
        var arguments = new Type?[definition.GetGenericArguments().Length];
        if (!Unify(fieldType, objectType, arguments) || Array.IndexOf(arguments, null) >= 0)
        {
            return null;
        }

        try
        {
            return definition.MakeGenericType(arguments!);
        }
        catch (ArgumentException)
        {
            return null; // the arguments break the definition's constraints: not this field
        }
    }

    /// <summary>Matches a field type that mentions type parameters against an object's type, binding the parameters.</summary>
    private static bool Unify(Type pattern, Type actual, Type?[] arguments)
    {
        if (pattern.IsGenericParameter)
        {
            if (pattern.DeclaringMethod is not null || pattern.GenericParameterPosition >= arguments.Length)
            {
                return false;
            }

            ref Type? bound = ref arguments[pattern.GenericParameterPosition];
            bound ??= actual;
            return bound == actual;
        }

        if (pattern.IsArray)
        {
            return actual.IsArray && pattern.IsSZArray == actual.IsSZArray && pattern.GetArrayRank() == actual.GetArrayRank()
                && Unify(pattern.GetElementType()!, actual.GetElementType()!, arguments);
        }

        if (pattern.IsGenericType && pattern.ContainsGenericParameters)
        {
            if (!actual.IsGenericType || actual.IsGenericTypeDefinition || pattern.GetGenericTypeDefinition() != actual.GetGenericTypeDefinition())
            {
                return false;
            }

            Type[] patternArguments = pattern.GetGenericArguments();
            Type[] actualArguments = actual.GetGenericArguments();
            for (int i = 0; i < patternArguments.Length; i++)
            {
                if (!Unify(patternArguments[i], actualArguments[i], arguments))
                {
                    return false;
                }
            }

            return true;
        }

        return pattern == actual;
    }

    private static bool Any(ReadOnlySpan<int> nodes, HashSet<int> set)
    {
        foreach (int node in nodes)
        {
            if (set.Contains(node))
            {
                return true;
            }
        }

        return false;
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
