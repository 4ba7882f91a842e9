using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using MemTrack.Internal.Heap.Graph;

namespace MemTrack.Internal.Heap.Capture;

/// <summary>
/// Type names from metadata, in MemTrack's heap format: <c>Ns.Outer+Inner</c>, generic instantiations as
/// <c>Ns.List`1[Argument]</c>, arrays as <c>Element[]</c> (the runtime's format for generic arguments, used everywhere).
/// </summary>
internal sealed class MetadataTypeNames(MetadataReader reader) : ISignatureTypeProvider<string, object?>
{
    /// <summary>The metadata of a loaded assembly, read in place; null for one without (dynamic, or none in memory).</summary>
    public static unsafe MetadataReader? ReaderOf(Assembly assembly) =>
        !assembly.IsDynamic && assembly.TryGetRawMetadata(out byte* blob, out int length) ? new MetadataReader(blob, length) : null;

    /// <summary>The full name of a type defined in this metadata.</summary>
    public string FullName(TypeDefinitionHandle handle)
    {
        TypeDefinition type = reader.GetTypeDefinition(handle);
        string name = reader.GetString(type.Name);
        TypeDefinitionHandle outer = type.GetDeclaringType();
        if (!outer.IsNil)
        {
            return FullName(outer) + "+" + name;
        }

        string ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    public string GetTypeFromDefinition(MetadataReader metadata, TypeDefinitionHandle handle, byte rawTypeKind) => FullName(handle);

    public string GetTypeFromReference(MetadataReader metadata, TypeReferenceHandle handle, byte rawTypeKind)
    {
        TypeReference type = metadata.GetTypeReference(handle);
        if (type.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            return GetTypeFromReference(metadata, (TypeReferenceHandle)type.ResolutionScope, rawTypeKind) + "+" + metadata.GetString(type.Name);
        }

        string ns = metadata.GetString(type.Namespace);
        string name = metadata.GetString(type.Name);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode switch
    {
        PrimitiveTypeCode.Object => "System.Object",
        PrimitiveTypeCode.String => "System.String",
        PrimitiveTypeCode.IntPtr => "System.IntPtr",
        PrimitiveTypeCode.UIntPtr => "System.UIntPtr",
        PrimitiveTypeCode.TypedReference => "System.TypedReference",
        _ => "System." + typeCode,
    };

    public string GetSZArrayType(string elementType) => HeapTypeNameFormat.Array(elementType, 1);

    public string GetArrayType(string elementType, ArrayShape shape) => HeapTypeNameFormat.Array(elementType, shape.Rank);

    public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => HeapTypeNameFormat.Generic(genericType, typeArguments);

    public string GetByReferenceType(string elementType) => elementType + "&";

    public string GetPointerType(string elementType) => elementType + "*";

    public string GetPinnedType(string elementType) => elementType;

    public string GetFunctionPointerType(MethodSignature<string> signature) => "System.IntPtr";

    public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;

    public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;

    public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;

    public string GetTypeFromSpecification(MetadataReader metadata, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
        metadata.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
}
