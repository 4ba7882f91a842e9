namespace MemTrack;

/// <summary>What keeps the first object of a <see cref="RootPath"/> alive.</summary>
public enum RootKind
{
    /// <summary>
    /// A static field; <see cref="RootPath.RootName"/> is <c>DeclaringType.field</c>, a generic type as instantiated
    /// (<c>MyApp.Registry`1[MyApp.Order].s_items</c>). When several loaded types could declare it (a common field name
    /// whose declared type the object fits in more than one), the name lists them:
    /// <c>field (declared by one of: A, B)</c> or <c>one of: A.f, B.g</c>.
    /// </summary>
    StaticField,

    /// <summary>
    /// A <c>[ThreadStatic]</c> field of some thread; <see cref="RootPath.RootName"/> is <c>DeclaringType.field</c>.
    /// The runtime reports thread-static storage as thread stack roots; MemTrack names the fields of non-generic types
    /// whose objects it finds there (in captures of the current process). Thread statics of generic types stay
    /// <see cref="Stack"/> roots named <c>thread-static storage of a thread</c>.
    /// </summary>
    ThreadStaticField,

    /// <summary>
    /// A strong GC handle (<c>GCHandleType.Normal</c>), as held by runtime and interop code. The runtime's own statics
    /// table (the <c>object[]</c> behind a handle that holds static fields' objects, interned strings and type objects)
    /// is named <c>runtime statics table (...)</c>: an object reached through it is held by a static that MemTrack
    /// could not name (a generic static declared as a bare type parameter, for example), not by a handle of yours.
    /// </summary>
    StrongHandle,

    /// <summary>A pinned GC handle (<c>GCHandleType.Pinned</c>).</summary>
    PinnedHandle,

    /// <summary>A dependent handle (<c>ConditionalWeakTable</c> value or <c>DependentHandle</c> target) whose key is alive.</summary>
    DependentHandle,

    /// <summary>The finalization queue: the object waits for its finalizer to run.</summary>
    FinalizerQueue,

    /// <summary>A local variable or argument on a thread's stack (or a CPU register).</summary>
    Stack,

    /// <summary>A root the runtime reported without a kind MemTrack knows, or an object the dump reached from no reported root.</summary>
    Other,
}
