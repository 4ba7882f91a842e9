namespace MemTrack.Internal.Decoding;

/// <summary>A call-like IL instruction: its offset in the method body, its kind and its operand's metadata token.</summary>
internal readonly record struct IlCallSite(int Offset, IlCallKind Kind, int Token);
