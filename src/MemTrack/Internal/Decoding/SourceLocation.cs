namespace MemTrack.Internal.Decoding;

/// <summary>A source file and line from a PDB.</summary>
internal readonly record struct SourceLocation(string FileName, int LineNumber);
