namespace MemTrack.Internal.Heap.Capture;

/// <summary>One type as a GCBulkType event describes it.</summary>
/// <param name="ModuleId">The runtime's id of the module that defines it.</param>
/// <param name="Token">Its TypeDef metadata token in that module.</param>
/// <param name="IsArray">An array type; <paramref name="Parameters"/> holds the element type.</param>
/// <param name="RuntimeName">The runtime's own name (nested types by their simple name only).</param>
/// <param name="Parameters">Generic arguments, or the element type of an array.</param>
internal sealed record HeapTypeInfo(ulong ModuleId, int Token, bool IsArray, string RuntimeName, ulong[] Parameters);
