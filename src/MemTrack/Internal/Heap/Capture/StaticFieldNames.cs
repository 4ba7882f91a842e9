using System.Reflection;
using System.Reflection.Metadata;
using System.Runtime.CompilerServices;

namespace MemTrack.Internal.Heap.Capture;

/// <summary>
/// Finds the declaring type of a static field root. The runtime's heap dump names a static root by its field name and
/// the type of the object it holds, not the type that declares it; this looks the field name up in the metadata of
/// the loaded assemblies (read in place, no reflection objects, no type loading, no static constructor run) and, when
/// several types declare a static field of that name, keeps those whose declared field type is the object's type.
/// Each assembly's index is built once and kept for the life of the assembly. A root is MemTrack's own when every
/// candidate declaring type is in one of the <see cref="OwnAssemblies"/>.
/// </summary>
internal static class StaticFieldNames
{
    private static readonly ConditionalWeakTable<Assembly, StaticFieldIndex> Indexes = [];

    /// <summary>
    /// Names a static root from its field name and the type of the object it holds: <c>DeclaringType.field</c> when
    /// one declaring type fits, otherwise the field name with the candidates (<c>s_instance (declared by one of: A,
    /// B)</c>) or with the object's type when no loaded metadata declares it. <c>IsOwn</c> when there are candidates
    /// and all are declared in <see cref="OwnAssemblies"/>.
    /// </summary>
    public static Func<string, string, (string Name, bool IsOwn)> Resolver()
    {
        var indexes = new List<StaticFieldIndex>();
        foreach (Assembly assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            indexes.Add(Indexes.GetValue(assembly, Index));
        }

        return (field, objectType) =>
        {
            var candidates = new List<(string DeclaringType, string FieldType, bool IsOwn)>();
            foreach (StaticFieldIndex index in indexes)
            {
                if (index.Fields.TryGetValue(field, out List<(string DeclaringType, string FieldType)>? found))
                {
                    candidates.AddRange(found.Select(c => (c.DeclaringType, c.FieldType, index.IsOwnAssembly)));
                }
            }

            if (candidates.Count > 1)
            {
                var exact = candidates.Where(c => c.FieldType == objectType).ToList();
                if (exact.Count > 0)
                {
                    candidates = exact;
                }
            }

            string[] types = [.. candidates.Select(c => c.DeclaringType).Distinct()];
            string name = types.Length switch
            {
                0 => Unresolved(field, objectType).Name,
                1 => types[0] + "." + field,
                _ => $"{field} (declared by one of: {string.Join(", ", types.Take(5))}{(types.Length > 5 ? ", ..." : string.Empty)})",
            };
            return (name, candidates.Count > 0 && candidates.TrueForAll(c => c.IsOwn));
        };
    }

    /// <summary>
    /// A static root named by its field name and the type of the object it holds, when no metadata says which type
    /// declares it (and for another process's dump, whose declaring types this process cannot know); never own.
    /// </summary>
    public static (string Name, bool IsOwn) Unresolved(string field, string objectType) => ($"{field} (holding {objectType})", false);

    private static StaticFieldIndex Index(Assembly assembly)
    {
        var index = new StaticFieldIndex(OwnAssemblies.Contains(assembly));
        if (MetadataTypeNames.ReaderOf(assembly) is not MetadataReader reader)
        {
            return index;
        }

        var names = new MetadataTypeNames(reader);
        foreach (TypeDefinitionHandle typeHandle in reader.TypeDefinitions)
        {
            TypeDefinition type = reader.GetTypeDefinition(typeHandle);
            string? declaringType = null;
            foreach (FieldDefinitionHandle fieldHandle in type.GetFields())
            {
                FieldDefinition field = reader.GetFieldDefinition(fieldHandle);
                if ((field.Attributes & (FieldAttributes.Static | FieldAttributes.Literal)) != FieldAttributes.Static)
                {
                    continue;
                }

                declaringType ??= names.FullName(typeHandle);
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
                if (!index.Fields.TryGetValue(name, out List<(string DeclaringType, string FieldType)>? list))
                {
                    list = [];
                    index.Fields.Add(name, list);
                }

                list.Add((declaringType, fieldType));
            }
        }

        return index;
    }
}
