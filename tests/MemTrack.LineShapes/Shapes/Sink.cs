namespace MemTrack.LineShapes.Shapes;

/// <summary>Statics the shapes store their objects in, so every allocation escapes to the heap (the JIT would otherwise put small non-escaping arrays on the stack).</summary>
internal static class Sink
{
    public static object? A;
    public static object? B;
    public static object? C;
    public static long Total;
}
