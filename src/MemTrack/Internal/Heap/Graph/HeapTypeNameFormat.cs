namespace MemTrack.Internal.Heap.Graph;

/// <summary>
/// The heap's format for composed type names, the runtime's for generic arguments: <c>Definition[Argument,Argument]</c>
/// for a generic instantiation, <c>Element[]</c> and <c>Element[,]</c> for arrays.
/// </summary>
internal static class HeapTypeNameFormat
{
    public static string Generic(string definition, IEnumerable<string> arguments) => definition + "[" + string.Join(",", arguments) + "]";

    public static string Array(string element, int rank) => element + "[" + new string(',', rank - 1) + "]";
}
