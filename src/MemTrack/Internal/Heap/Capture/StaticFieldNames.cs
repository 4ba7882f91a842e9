using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Runtime.CompilerServices;

namespace MemTrack.Internal.Heap.Capture;

/// <summary>
/// Finds the declaring type of a static field root. The runtime's heap dump names a static root by its field name and
/// the type of the object it holds, not the type that declares it; this looks the field name up in the metadata of
/// the loaded assemblies (read in place, no type loading, no static constructor run) and, when several types declare
/// a static field of that name, keeps those whose declared field type is the object's type by name, else those whose
/// field type the object's type is assignable to (an interface, a base class, <c>object</c>). Only that second step
/// uses reflection: every declaration of that field name is then resolved (its declaring type and field type loaded,
/// which can load types and assemblies the application never used), so it runs only for names without an exact match.
/// Then those outside the runtime's shared framework are kept. Each assembly's index is
/// built once and kept for the life of the assembly. A root is MemTrack's own when every candidate declaring type is
/// in one of the <see cref="OwnAssemblies"/>.
/// </summary>
internal static class StaticFieldNames
{
    /// <summary>Framework candidates listed at most in an ambiguous name (the user's are all listed).</summary>
    private const int MaxFrameworkCandidates = 5;

    private static readonly ConditionalWeakTable<Assembly, StaticFieldIndex> Indexes = [];
    private static readonly string FrameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location) ?? string.Empty;

    /// <summary>The static field indexes of every loaded assembly (built on first use, kept with the assembly).</summary>
    public static StaticFieldIndex[] Loaded() => [.. AppDomain.CurrentDomain.GetAssemblies().Select(a => Indexes.GetValue(a, Index))];

    /// <summary>
    /// Names a static root from its field name and the type name of the object it holds: <c>DeclaringType.field</c>
    /// when one declaring type fits, otherwise the field name with the candidates (<c>s_instance (declared by one of:
    /// A, B)</c>) or with the object's type when no loaded metadata declares it. <c>IsOwn</c> when there are
    /// candidates and all are declared in <see cref="OwnAssemblies"/>.
    /// </summary>
    /// <param name="indexes">The assemblies' indexes.</param>
    /// <param name="typeOf">The loaded type of a heap type name, to narrow by assignability; null to narrow by name only.</param>
    public static Func<string, string, (string Name, bool IsOwn)> Resolver(StaticFieldIndex[] indexes, Func<string, Type?>? typeOf) =>
        (field, objectType) =>
        {
            var candidates = new List<StaticFieldDeclaration>();
            foreach (StaticFieldIndex index in indexes)
            {
                if (index.Fields.TryGetValue(field, out List<StaticFieldDeclaration>? found))
                {
                    candidates.AddRange(found);
                }
            }

            if (candidates.Count == 0)
            {
                return Unresolved(field, objectType);
            }

            if (candidates.Count > 1)
            {
                candidates = Narrow(candidates, objectType, typeOf);
            }

            return Describe([.. candidates.Select(c => (c.DeclaringType, c))]);
        };

    /// <summary>
    /// A static root named by its field name and the type of the object it holds, when no metadata says which type
    /// declares it (and for another process's dump, whose declaring types this process cannot know); never own.
    /// </summary>
    public static (string Name, bool IsOwn) Unresolved(string field, string objectType) => ($"{field} (holding {objectType})", false);

    /// <summary>
    /// Names a root from the fields that may hold it, each with the name of its declaring type (a generic one as
    /// instantiated): <c>Type.field</c> for one; for several, those outside the shared framework when there are any,
    /// as <c>field (declared by one of: A, B)</c>, or <c>one of: A.f, B.g</c> when the field names differ. The user's
    /// candidates are all listed (first), the framework's at most five. Own when every candidate is in an own assembly.
    /// </summary>
    /// <param name="candidates">The fields, with their declaring types' names.</param>
    /// <param name="keepFramework">List the framework's candidates even when there are others (for generic statics, where the framework's are as likely).</param>
    public static (string Name, bool IsOwn) Describe(IReadOnlyList<(string DeclaringType, StaticFieldDeclaration Field)> candidates, bool keepFramework = false)
    {
        ArgumentOutOfRangeException.ThrowIfZero(candidates.Count);
        bool isOwn = candidates.All(c => c.Field.Index.IsOwnAssembly);
        List<(string DeclaringType, StaticFieldDeclaration Field)> kept = [.. candidates.Where(c => !c.Field.Index.IsFramework)];
        if (kept.Count == 0 || keepFramework)
        {
            kept.AddRange(candidates.Where(c => c.Field.Index.IsFramework));
        }

        var distinct = kept.DistinctBy(c => (c.DeclaringType, c.Field.Name)).ToList();
        if (distinct.Count == 1)
        {
            return (distinct[0].DeclaringType + "." + distinct[0].Field.Name, isOwn);
        }

        bool oneName = distinct.TrueForAll(c => c.Field.Name == distinct[0].Field.Name);
        string[] listed = [.. distinct.Select(c => oneName ? c.DeclaringType : c.DeclaringType + "." + c.Field.Name)];
        int shown = distinct.Count(c => !c.Field.Index.IsFramework) + MaxFrameworkCandidates;
        string list = string.Join(", ", listed.Take(shown)) + (listed.Length > shown ? ", ..." : string.Empty);
        return (oneName ? $"{distinct[0].Field.Name} (declared by one of: {list})" : "one of: " + list, isOwn);
    }

    /// <summary>
    /// Whether an object of <paramref name="objectType"/> can be stored in a field of <paramref name="fieldType"/>,
    /// which may mention the declaring type's type parameters (<c>T</c>, <c>List&lt;T&gt;</c>, <c>T[]</c>): a
    /// parameter takes any type, an open generic type any instantiation of its definition among the object's type,
    /// base types and interfaces.
    /// </summary>
    public static bool Fits(Type fieldType, Type objectType)
    {
        if (fieldType.IsGenericParameter)
        {
            return true;
        }

        if (!fieldType.ContainsGenericParameters)
        {
            return fieldType.IsAssignableFrom(objectType);
        }

        if (fieldType.IsArray)
        {
            return objectType.IsArray && objectType.GetArrayRank() == fieldType.GetArrayRank() && Fits(fieldType.GetElementType()!, objectType.GetElementType()!);
        }

        if (!fieldType.IsGenericType)
        {
            return false;
        }

        Type definition = fieldType.GetGenericTypeDefinition();
        Type[] parameters = fieldType.GetGenericArguments();
        return SelfBasesAndInterfaces(objectType).Any(t =>
            t.IsGenericType && t.GetGenericTypeDefinition() == definition
            && t.GetGenericArguments().Zip(parameters).All(p => Fits(p.Second, p.First)));
    }

    /// <summary>The type, its base types, then its interfaces.</summary>
    public static IEnumerable<Type> SelfBasesAndInterfaces(Type type)
    {
        for (Type? t = type; t is not null; t = t.BaseType)
        {
            yield return t;
        }

        foreach (Type i in type.GetInterfaces())
        {
            yield return i;
        }
    }

    /// <summary>The candidates whose field type is the object's type, else those it fits (when its type is known), or all.</summary>
    private static List<StaticFieldDeclaration> Narrow(List<StaticFieldDeclaration> candidates, string objectType, Func<string, Type?>? typeOf)
    {
        List<StaticFieldDeclaration> exact = [.. candidates.Where(c => c.FieldType == objectType)];
        if (exact.Count > 0)
        {
            return exact;
        }

        if (typeOf?.Invoke(objectType) is not Type type)
        {
            return candidates;
        }

        List<StaticFieldDeclaration> fitting = [.. candidates.Where(c => c.Resolved is { FieldType: Type fieldType } && Fits(fieldType, type))];
        return fitting.Count > 0 ? fitting : candidates;
    }

    private static StaticFieldIndex Index(Assembly assembly)
    {
        bool isFramework = !assembly.IsDynamic && assembly.Location.Length > 0
            && string.Equals(Path.GetDirectoryName(assembly.Location), FrameworkDirectory, StringComparison.Ordinal);
        var index = new StaticFieldIndex(assembly, OwnAssemblies.Contains(assembly), isFramework);
        if (MetadataTypeNames.ReaderOf(assembly) is not MetadataReader reader)
        {
            return index;
        }

        var names = new MetadataTypeNames(reader);
        foreach (TypeDefinitionHandle typeHandle in reader.TypeDefinitions)
        {
            TypeDefinition type = reader.GetTypeDefinition(typeHandle);
            string? declaringType = null;
            bool? inGenericType = null;
            foreach (FieldDefinitionHandle fieldHandle in type.GetFields())
            {
                FieldDefinition field = reader.GetFieldDefinition(fieldHandle);
                if ((field.Attributes & (FieldAttributes.Static | FieldAttributes.Literal)) != FieldAttributes.Static)
                {
                    continue;
                }

                declaringType ??= names.FullName(typeHandle);
                inGenericType ??= IsGeneric(reader, typeHandle);
                string fieldType;
                try
                {
                    fieldType = field.DecodeSignature(names, null);
                }
                catch (BadImageFormatException)
                {
                    fieldType = string.Empty;
                }

                string name = reader.GetString(field.Name);
                bool isThreadStatic = IsThreadStatic(reader, field);
                var declaration = new StaticFieldDeclaration(index, declaringType, name, fieldType, MetadataTokens.GetToken(fieldHandle), isThreadStatic);
                if (!index.Fields.TryGetValue(name, out List<StaticFieldDeclaration>? list))
                {
                    list = [];
                    index.Fields.Add(name, list);
                }

                list.Add(declaration);
                if (isThreadStatic)
                {
                    index.ThreadStaticFields.Add(declaration); // never in the statics table, generic or not
                }
                else if (inGenericType.Value && fieldType.Contains('!', StringComparison.Ordinal) && !fieldType.StartsWith('!'))
                {
                    index.GenericFields.Add(declaration);
                }
            }
        }

        return index;
    }

    /// <summary>Whether the type, or a type it is nested in, has generic parameters.</summary>
    private static bool IsGeneric(MetadataReader reader, TypeDefinitionHandle handle)
    {
        for (TypeDefinitionHandle t = handle; !t.IsNil; t = reader.GetTypeDefinition(t).GetDeclaringType())
        {
            if (reader.GetTypeDefinition(t).GetGenericParameters().Count > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the field carries <c>System.ThreadStaticAttribute</c>.</summary>
    private static bool IsThreadStatic(MetadataReader reader, FieldDefinition field)
    {
        foreach (CustomAttributeHandle handle in field.GetCustomAttributes())
        {
            EntityHandle constructor = reader.GetCustomAttribute(handle).Constructor;
            (StringHandle ns, StringHandle name) = constructor.Kind switch
            {
                HandleKind.MemberReference when reader.GetMemberReference((MemberReferenceHandle)constructor).Parent is { Kind: HandleKind.TypeReference } parent
                    => (reader.GetTypeReference((TypeReferenceHandle)parent).Namespace, reader.GetTypeReference((TypeReferenceHandle)parent).Name),
                HandleKind.MethodDefinition when reader.GetMethodDefinition((MethodDefinitionHandle)constructor).GetDeclaringType() is var owner
                    => (reader.GetTypeDefinition(owner).Namespace, reader.GetTypeDefinition(owner).Name),
                _ => (default, default),
            };
            if (!name.IsNil && reader.StringComparer.Equals(name, "ThreadStaticAttribute") && reader.StringComparer.Equals(ns, "System"))
            {
                return true;
            }
        }

        return false;
    }
}
