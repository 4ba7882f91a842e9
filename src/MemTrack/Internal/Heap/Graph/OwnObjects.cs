namespace MemTrack.Internal.Heap.Graph;

/// <summary>
/// Which objects of a heap graph are MemTrack's own: the tracer's tables, earlier captures the caller still holds,
/// MemTrack's static caches, TraceEvent's objects, and everything held only through them. An object is own when an
/// own seed reaches it (an object of an own type, or one an own static field holds) and no other root reaches it
/// without passing through a seed. Two breadth-first searches, linear in the graph: the first, from every root that
/// is not own, marks the user's objects and never enters a seed; the second, from the seeds, marks the own objects
/// among the rest. Objects no root reaches stay non-own.
/// </summary>
/// <remarks>
/// An own static field's object is a seed, not only an own-typed one, because the runtime also keeps every static
/// field's value in an <c>object[]</c> behind a strong handle: through that array a <c>Dictionary</c> in a MemTrack
/// static would be reachable from a user root. The price: an object that an own static field holds directly and that
/// user objects also reference (but no user root holds directly) counts as own.
/// </remarks>
internal static class OwnObjects
{
    public static bool[] Mark(HeapGraph graph)
    {
        int n = graph.NodeCount;
        int[] types = graph.Types;
        bool[] ownTypes = graph.OwnTypes;
        var seed = new bool[n];
        for (int node = 0; node < n; node++)
        {
            seed[node] = ownTypes[types[node]];
        }

        foreach (HeapRoot root in graph.Roots)
        {
            seed[root.Node] |= root.IsOwn;
        }

        // Each node enters the queue at most once per search, so one array of n serves both.
        var queue = new int[n];
        var user = new bool[n];
        int tail = 0;
        foreach (HeapRoot root in graph.Roots)
        {
            // A user root holding an own-static object directly shares it; one holding an own-typed object does not.
            if (!root.IsOwn && !ownTypes[types[root.Node]] && !user[root.Node])
            {
                user[root.Node] = true;
                queue[tail++] = root.Node;
            }
        }

        graph.MarkReachable(queue, tail, user, blocked: seed);

        var own = new bool[n];
        tail = 0;
        for (int node = 0; node < n; node++)
        {
            if (seed[node] && !user[node])
            {
                own[node] = true;
                queue[tail++] = node;
            }
        }

        graph.MarkReachable(queue, tail, own, blocked: user);
        return own;
    }
}
