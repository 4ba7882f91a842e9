namespace MemTrack.Internal.Decoding;

/// <summary>A method the JIT inlined: its full name, metadata token and module path (empty when unknown).</summary>
internal sealed record InlineeMethod(string Name, int Token, string ModulePath);
