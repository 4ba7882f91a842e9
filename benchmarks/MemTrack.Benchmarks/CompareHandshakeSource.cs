using System.Diagnostics.Tracing;

namespace MemTrack.Benchmarks;

/// <summary>
/// An event source that writes nothing. <see cref="CompareMode"/> adds it to the providers of the <c>dotnet-trace</c>
/// session, so the traced child sees the session attached when <see cref="EventSource.IsEnabled()"/> turns true: the
/// runtime enables every provider of a session at once, when the session starts.
/// </summary>
[EventSource(Name = ProviderName)]
internal sealed class CompareHandshakeSource : EventSource
{
    public const string ProviderName = "MemTrack-Benchmarks-Compare";

    public static readonly CompareHandshakeSource Log = new();

    private CompareHandshakeSource()
    {
    }
}
