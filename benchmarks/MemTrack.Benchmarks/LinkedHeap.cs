namespace MemTrack.Benchmarks;

/// <summary>
/// A heap of small linked objects for the heap-capture measurements: chains of 1,000 <see cref="Node"/>s (about 1.1
/// references per object), held by one static array so that they stay reachable until <see cref="Release"/>.
/// </summary>
internal static class LinkedHeap
{
    private static Node[]? s_chains;

    /// <summary>Builds <paramref name="size"/> nodes: chains of 1,000, every tenth node also referencing a node of the previous chain.</summary>
    public static void Build(int size)
    {
        s_chains = new Node[(size / 1_000) + 1];
        Node? previous = null;
        for (int i = 0; i < size; i++)
        {
            var node = new Node { Next = i % 1_000 == 0 ? null : previous, Value = i };
            if (i % 10 == 0 && i >= 1_000)
            {
                node.Other = s_chains[(i / 1_000) - 1];
            }

            if (i % 1_000 == 999 || i == size - 1)
            {
                s_chains[i / 1_000] = node;
            }

            previous = node;
        }
    }

    public static void Release() => s_chains = null;

    public sealed class Node
    {
        public Node? Next { get; set; }

        public Node? Other { get; set; }

        public int Value { get; set; }
    }
}
