using MemTrack.Internal.Heap.Capture;
using Microsoft.Diagnostics.NETCore.Client;

namespace MemTrack.Tests.Internal.Heap.Capture;

public sealed class OwnAssembliesTests
{
    [Fact]
    public void MemTrack_and_the_diagnostics_libraries_it_runs_on_are_own()
    {
        Assert.True(OwnAssemblies.Contains(typeof(HeapSnapshot).Assembly));
        Assert.True(OwnAssemblies.Contains(typeof(Microsoft.Diagnostics.Tracing.TraceEvent).Assembly));
        Assert.True(OwnAssemblies.Contains(typeof(DiagnosticsClient).Assembly));
        Assert.Equal("Microsoft.Diagnostics.FastSerialization", typeof(FastSerialization.IFastSerializable).Assembly.GetName().Name);
        Assert.True(OwnAssemblies.Contains(typeof(FastSerialization.IFastSerializable).Assembly));
    }

    [Fact]
    public void The_runtime_and_user_code_in_a_MemTrack_namespace_are_not_own()
    {
        Assert.False(OwnAssemblies.Contains(typeof(object).Assembly));
        Assert.False(OwnAssemblies.Contains(typeof(OwnAssembliesTests).Assembly));
        Assert.StartsWith("MemTrack.", typeof(OwnAssembliesTests).Namespace, StringComparison.Ordinal);
    }
}
