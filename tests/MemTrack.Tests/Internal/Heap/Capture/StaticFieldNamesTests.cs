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
        (string name, bool isOwn) = Resolver()("s_tracer", "MemTrack.Internal.Tracer");

        Assert.Equal("MemTrack.MemTracker.s_tracer", name);
        Assert.True(isOwn);
    }

    [Fact]
    public void A_static_field_of_user_code_in_a_MemTrack_namespace_is_not_own()
    {
        (string name, bool isOwn) = Resolver()(nameof(s_staticFieldNamesTestsOnly), RuntimeTypeName.Of(s_staticFieldNamesTestsOnly.GetType()));

        Assert.Equal(typeof(StaticFieldNamesTests).FullName + "." + nameof(s_staticFieldNamesTestsOnly), name);
        Assert.False(isOwn);
    }

    [Fact]
    public void A_root_that_user_code_may_declare_as_well_as_MemTrack_is_not_own()
    {
        (string name, bool isOwn) = Resolver()(nameof(RuntimeDirectory), RuntimeTypeName.Of(RuntimeDirectory.GetType()));

        Assert.StartsWith(nameof(RuntimeDirectory) + " (declared by one of: ", name, StringComparison.Ordinal);
        Assert.Contains("MemTrack.Internal.Decoding.FrameResolver", name, StringComparison.Ordinal);
        Assert.Contains(typeof(StaticFieldNamesTests).FullName!, name, StringComparison.Ordinal);
        Assert.False(isOwn);
    }

    [Fact]
    public void A_field_no_loaded_metadata_declares_is_not_own()
    {
        (string name, bool isOwn) = Resolver()("s_declaredNowhere_4711", "System.String");

        Assert.Equal("s_declaredNowhere_4711 (holding System.String)", name);
        Assert.False(isOwn);
    }

    [Fact]
    public void Among_fields_of_one_name_the_one_whose_declared_type_the_object_fits_is_chosen()
    {
        Type held = typeof(List<StaticFieldNamesTests>);
        Func<string, Type?> typeOf = name => name == RuntimeTypeName.Of(held) ? held : null;

        (string byInterface, _) = Resolver(typeOf)(nameof(InterfaceTyped.Instance), RuntimeTypeName.Of(held));
        (string unresolved, _) = Resolver()(nameof(InterfaceTyped.Instance), RuntimeTypeName.Of(held));

        Assert.Equal(typeof(InterfaceTyped).FullName + "." + nameof(InterfaceTyped.Instance), byInterface);
        Assert.NotEqual(byInterface, unresolved);
    }

    [Fact]
    public void An_ambiguous_name_lists_every_user_candidate_first_and_cuts_only_the_framework_ones()
    {
        var framework = new StaticFieldIndex(typeof(object).Assembly, isOwnAssembly: false, isFramework: true);
        var user = new StaticFieldIndex(typeof(StaticFieldNamesTests).Assembly, isOwnAssembly: false, isFramework: false);
        (string, StaticFieldDeclaration)[] candidates =
        [
            .. Enumerable.Range(0, 7).Select(i => Declaration(framework, "System.Framework" + i)),
            .. Enumerable.Range(0, 3).Select(i => Declaration(user, "User.Type" + i)),
        ];

        (string onlyUser, bool isOwn) = StaticFieldNames.Describe(candidates);
        (string onlyFramework, _) = StaticFieldNames.Describe(candidates[..7]);

        Assert.Equal("Instance (declared by one of: User.Type0, User.Type1, User.Type2)", onlyUser);
        Assert.False(isOwn);
        Assert.Equal("Instance (declared by one of: System.Framework0, System.Framework1, System.Framework2, System.Framework3, System.Framework4, ...)", onlyFramework);
    }

    [Theory]
    [InlineData(typeof(IList<int>), typeof(List<int>), true)]
    [InlineData(typeof(object), typeof(string), true)]
    [InlineData(typeof(IEnumerable<string>), typeof(List<int>), false)]
    [InlineData(typeof(List<>), typeof(List<string>), true)]
    [InlineData(typeof(IList<>), typeof(List<string>), true)]
    [InlineData(typeof(IDictionary<,>), typeof(List<string>), false)]
    public void A_field_type_with_type_parameters_fits_the_instantiations_of_its_definition(Type fieldType, Type objectType, bool fits)
    {
        Assert.Equal(fits, StaticFieldNames.Fits(fieldType, objectType));
    }

    private static (string, StaticFieldDeclaration) Declaration(StaticFieldIndex index, string declaringType) =>
        (declaringType, new StaticFieldDeclaration(index, declaringType, "Instance", "System.Object", 0, isThreadStatic: false));

    private static class InterfaceTyped
    {
#pragma warning disable CS0649 // only its declaration is read, from metadata
        public static IList<StaticFieldNamesTests>? Instance;
#pragma warning restore CS0649
    }

    /// <summary>A resolver over the loaded assemblies' indexes.</summary>
    private static Func<string, string, (string Name, bool IsOwn)> Resolver(Func<string, Type?>? typeOf = null) => StaticFieldNames.Resolver(StaticFieldNames.Loaded(), typeOf);
}
