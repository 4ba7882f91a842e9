namespace MemTrack.Internal.Decoding;

/// <summary>
/// What a frame's call is known to have done, from the rest of the stack: the frame on top of the stack called the
/// allocation helper for <see cref="AllocatedType"/>; a frame below it called <see cref="CalleeMethod"/>. Names are
/// simple (<see cref="SimpleNames"/>); null where unknown. It singles out the IL instruction of a return address
/// among several candidates in optimized code (<see cref="FrameResolver"/>).
/// </summary>
internal readonly record struct CallContext(string? AllocatedType, string? CalleeMethod)
{
    public static CallContext None => default;

    public bool IsKnown => AllocatedType is not null || CalleeMethod is not null;

    /// <summary>Whether an IL instruction that allocates <paramref name="type"/> and calls <paramref name="method"/> (either may be null) fits.</summary>
    public bool Matches(string? type, string? method) =>
        (AllocatedType is not null && type is not null && SimpleNames.TypesMatch(type, AllocatedType))
        || (CalleeMethod is not null && method is not null && string.Equals(method, CalleeMethod, StringComparison.Ordinal));
}
