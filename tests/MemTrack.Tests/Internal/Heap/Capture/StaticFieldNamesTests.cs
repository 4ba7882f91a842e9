using MemTrack.Internal.Heap.Capture;
using MemTrack.Internal.Heap.Graph;

namespace MemTrack.Tests.Internal.Heap.Capture;

public sealed class StaticFieldNamesTests
{
    // The same name and field type as FrameResolver.RuntimeDirectory: a root of that name could be either. (Not one of
    // the heap capture's caches, which the capture tests expect to find as MemTrack's own roots.)
    private static readonly string RuntimeDirectory = typeof(StaticFieldNamesTests).Name;
    private static readonly List<StaticFieldNamesTests> s_staticFieldNamesTestsOnly = [];

    [Fact]
    public void A_static_field_MemTrack_declares_is_own()
    {
        (string name, bool isOwn) = StaticFieldNames.Resolver()("s_tracer", "MemTrack.Internal.Tracer");

        Assert.Equal("MemTrack.MemTracker.s_tracer", name);
        Assert.True(isOwn);
    }

    [Fact]
    public void A_static_field_of_user_code_in_a_MemTrack_namespace_is_not_own()
    {
        (string name, bool isOwn) = StaticFieldNames.Resolver()(nameof(s_staticFieldNamesTestsOnly), RuntimeTypeName.Of(s_staticFieldNamesTestsOnly.GetType()));

        Assert.Equal(typeof(StaticFieldNamesTests).FullName + "." + nameof(s_staticFieldNamesTestsOnly), name);
        Assert.False(isOwn);
    }

    [Fact]
    public void A_root_that_user_code_may_declare_as_well_as_MemTrack_is_not_own()
    {
        (string name, bool isOwn) = StaticFieldNames.Resolver()(nameof(RuntimeDirectory), RuntimeTypeName.Of(RuntimeDirectory.GetType()));

        Assert.StartsWith(nameof(RuntimeDirectory) + " (declared by one of: ", name, StringComparison.Ordinal);
        Assert.Contains("MemTrack.Internal.Decoding.FrameResolver", name, StringComparison.Ordinal);
        Assert.Contains(typeof(StaticFieldNamesTests).FullName!, name, StringComparison.Ordinal);
        Assert.False(isOwn);
    }

    [Fact]
    public void A_field_no_loaded_metadata_declares_is_not_own()
    {
        (string name, bool isOwn) = StaticFieldNames.Resolver()("s_declaredNowhere_4711", "System.String");

        Assert.Equal("s_declaredNowhere_4711 (holding System.String)", name);
        Assert.False(isOwn);
    }
}
