namespace MemTrack;

/// <summary>What keeps the first object of a <see cref="RootPath"/> alive.</summary>
public enum RootKind
{
    /// <summary>
    /// A static field; <see cref="RootPath.RootName"/> is <c>DeclaringType.field</c>, a generic type as instantiated
    /// (<c>MyApp.Registry`1[MyApp.Order].s_items</c>). When several loaded types could declare it (a common field name
    /// whose declared type the object fits in more than one), the name lists them:
    /// <c>field (declared by one of: A, B)</c> or <c>one of: A.f, B.g</c>. A static of a generic type is named from
    /// type names only: every loaded generic definition whose static's declared type, instantiated, is the object's
    /// type is listed, the framework's too (<c>List`1[T].s_emptyArray</c> holds a <c>T[]</c> for each T in use).
    /// </summary>
    StaticField,

    /// <summary>
    /// A <c>[ThreadStatic]</c> field of some thread; <see cref="RootPath.RootName"/> is <c>DeclaringType.field</c> (a
    /// generic type as instantiated when the field's type binds its parameters, else by its definition). The runtime
    /// reports thread-static storage as thread stack roots; in captures of the current process MemTrack names the
    /// objects there, and renames the stack root <c>thread-static storage of a thread</c>, only when every per-type
    /// array in it holds what one loaded type's <c>[ThreadStatic]</c> fields can hold and most of them by fields not
    /// declared <c>object</c>. Otherwise the root stays a <see cref="Stack"/> root.
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
