using System.Reflection;
using System.Reflection.Metadata;
using System.Runtime.CompilerServices;

namespace MemTrack.Internal.Heap.Capture;

/// <summary>
/// Finds the declaring type of a static field root. The runtime's heap dump names a static root by its field name and
/// the type of the object it holds, not the type that declares it; this looks the field name up in the metadata of
/// the loaded assemblies (read in place, no reflection objects, no type loading, no static constructor run) and, when
/// several types declare a static field of that name, keeps those whose declared field type is the object's type.
/// Each assembly's index is built once and kept for the life of the assembly.
/// </summary>
internal static class StaticFieldNames
{
    private static readonly ConditionalWeakTable<Assembly, Dictionary<string, List<(string DeclaringType, string FieldType)>>> Indexes = [];

    /// <summary>
    /// <c>DeclaringType.field</c> when one declaring type fits, otherwise the field name with the candidates
    /// (<c>s_instance (declared by one of: A, B)</c>) or with the object's type when no loaded metadata declares it.
    /// </summary>
    public static Func<string, string, string> Resolver()
    {
        var indexes = new List<Dictionary<string, List<(string DeclaringType, string FieldType)>>>();
        foreach (Assembly assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            indexes.Add(Indexes.GetValue(assembly, Index));
        }

        return (field, objectType) =>
        {
            var candidates = new List<(string DeclaringType, string FieldType)>();
            foreach (Dictionary<string, List<(string DeclaringType, string FieldType)>> index in indexes)
            {
                if (index.TryGetValue(field, out List<(string DeclaringType, string FieldType)>? found))
                {
                    candidates.AddRange(found);
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
            return types.Length switch
            {
                0 => $"{field} (holding {objectType})",
                1 => types[0] + "." + field,
                _ => $"{field} (declared by one of: {string.Join(", ", types.Take(5))}{(types.Length > 5 ? ", ..." : string.Empty)})",
            };
        };
    }

    private static Dictionary<string, List<(string DeclaringType, string FieldType)>> Index(Assembly assembly)
    {
        var index = new Dictionary<string, List<(string DeclaringType, string FieldType)>>(StringComparer.Ordinal);
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
                if (!index.TryGetValue(name, out List<(string DeclaringType, string FieldType)>? list))
                {
                    list = [];
                    index.Add(name, list);
                }

                list.Add((declaringType, fieldType));
            }
        }

        return index;
    }
}
