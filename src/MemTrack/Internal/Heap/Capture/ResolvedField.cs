using System.Reflection;

namespace MemTrack.Internal.Heap.Capture;

/// <summary>A static field loaded through reflection, with its type (both resolved under one catch).</summary>
/// <param name="Field">The field.</param>
/// <param name="FieldType">Its declared type.</param>
internal sealed record ResolvedField(FieldInfo Field, Type FieldType);
