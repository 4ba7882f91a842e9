using MemTrack.Internal.Heap.Capture;
using Microsoft.Diagnostics.NETCore.Client;

namespace MemTrack.Tests.Internal.Heap.Capture;

public sealed class HeapTypeNamerTests
{
    private const ulong MemTrackModule = 1;
    private const ulong TestModule = 2;
    private const ulong CoreLibModule = 3;
    private const ulong TraceEventModule = 4;
    private const ulong ClientModule = 5;
    private const ulong UnloadedModule = 6;

    private const ulong OwnType = 0x10;
    private const ulong UserType = 0x20;
    private const ulong ListOfOwn = 0x30;
    private const ulong ListOfUser = 0x31;
    private const ulong OwnArray = 0x40;
    private const ulong UserArray = 0x41;
    private const ulong DictionaryOfListOfOwn = 0x50;
    private const ulong UInt64Type = 0x60;
    private const ulong TraceEventType = 0x70;
    private const ulong ClientType = 0x71;
    private const ulong UnloadedType = 0x80;
    private const ulong UndescribedType = 0x99;

    [Fact]
    public void Types_of_the_own_assemblies_and_instantiations_of_them_are_own_and_user_types_are_not()
    {
        HeapTypeNamer namer = CreateNamer();

        Assert.True(namer.IsOwn(OwnType));
        Assert.True(namer.IsOwn(TraceEventType));
        Assert.True(namer.IsOwn(ClientType));
        Assert.True(namer.IsOwn(ListOfOwn));
        Assert.True(namer.IsOwn(OwnArray));
        Assert.True(namer.IsOwn(DictionaryOfListOfOwn));
        Assert.Equal(
            "System.Collections.Generic.Dictionary`2[System.UInt64,System.Collections.Generic.List`1[MemTrack.Trace]]",
            namer.NameOf(DictionaryOfListOfOwn));
    }

    [Fact]
    public void A_user_type_in_a_MemTrack_namespace_is_not_own_because_ownership_goes_by_assembly()
    {
        HeapTypeNamer namer = CreateNamer();

        Assert.StartsWith("MemTrack.", namer.NameOf(UserType), StringComparison.Ordinal);
        Assert.False(namer.IsOwn(UserType));
        Assert.False(namer.IsOwn(ListOfUser));
        Assert.False(namer.IsOwn(UserArray));
        Assert.False(namer.IsOwn(UInt64Type));
        Assert.False(namer.IsOwn(UnloadedType));
        Assert.False(namer.IsOwn(UndescribedType));
    }

    [Theory]
    [InlineData("UInt64[]", 0)]
    [InlineData("UInt64[*]", 1)]
    [InlineData("UInt64[,]", 2)]
    [InlineData("UInt64[,,]", 3)]
    public void An_array_type_is_loaded_with_its_rank(string runtimeName, int rank)
    {
        const ulong ArrayType = 0x90;
        var types = new Dictionary<ulong, HeapTypeInfo>
        {
            [UInt64Type] = Describe(CoreLibModule, typeof(ulong)),
            [ArrayType] = new HeapTypeInfo(CoreLibModule, 0, IsArray: true, runtimeName, [UInt64Type]),
        };
        var namer = new HeapTypeNamer(types, new Dictionary<ulong, string> { [CoreLibModule] = typeof(object).Assembly.Location });

        Assert.Equal(rank == 0 ? typeof(ulong[]) : typeof(ulong).MakeArrayType(rank), namer.TypeOf(ArrayType));
    }

    [Fact]
    public void A_type_name_two_type_ids_share_gives_no_type_and_a_unique_one_its_type()
    {
        const ulong OtherUInt64 = 0x91;
        var types = new Dictionary<ulong, HeapTypeInfo>
        {
            [UInt64Type] = Describe(CoreLibModule, typeof(ulong)),
            [OtherUInt64] = new HeapTypeInfo(UnloadedModule, 0x02000002, IsArray: false, "System.UInt64", []),
            [OwnType] = Describe(MemTrackModule, typeof(Trace)),
        };
        var namer = new HeapTypeNamer(types, new Dictionary<ulong, string>
        {
            [CoreLibModule] = typeof(object).Assembly.Location,
            [MemTrackModule] = typeof(HeapSnapshot).Assembly.Location,
            [UnloadedModule] = "/no/such/Other.dll",
        });

        Func<string, Type?> typeOf = namer.TypeByName(types.Keys);

        Assert.Equal("System.UInt64", namer.NameOf(OtherUInt64));
        Assert.Null(typeOf("System.UInt64"));
        Assert.Equal(typeof(Trace), typeOf(typeof(Trace).FullName!));
        Assert.Equal(typeof(ulong), namer.TypeByName([UInt64Type])("System.UInt64"));
    }

    private static HeapTypeNamer CreateNamer()
    {
        var modules = new Dictionary<ulong, string>
        {
            [MemTrackModule] = typeof(HeapSnapshot).Assembly.Location,
            [TestModule] = typeof(HeapTypeNamerTests).Assembly.Location,
            [CoreLibModule] = typeof(object).Assembly.Location,
            [TraceEventModule] = typeof(Microsoft.Diagnostics.Tracing.TraceEvent).Assembly.Location,
            [ClientModule] = typeof(DiagnosticsClient).Assembly.Location,
            [UnloadedModule] = "/no/such/Other.dll",
        };
        var types = new Dictionary<ulong, HeapTypeInfo>
        {
            [OwnType] = Describe(MemTrackModule, typeof(Trace)),
            [UserType] = Describe(TestModule, typeof(UserThing)),
            [ListOfOwn] = Describe(CoreLibModule, typeof(List<>), OwnType),
            [ListOfUser] = Describe(CoreLibModule, typeof(List<>), UserType),
            [OwnArray] = new HeapTypeInfo(CoreLibModule, 0, IsArray: true, "Trace[]", [OwnType]),
            [UserArray] = new HeapTypeInfo(CoreLibModule, 0, IsArray: true, "UserThing[]", [UserType]),
            [DictionaryOfListOfOwn] = Describe(CoreLibModule, typeof(Dictionary<,>), UInt64Type, ListOfOwn),
            [UInt64Type] = Describe(CoreLibModule, typeof(ulong)),
            [TraceEventType] = Describe(TraceEventModule, typeof(Microsoft.Diagnostics.Tracing.TraceEvent)),
            [ClientType] = Describe(ClientModule, typeof(DiagnosticsClient)),
            [UnloadedType] = new HeapTypeInfo(UnloadedModule, 0x02000002, IsArray: false, "Other.Thing", []),
        };
        return new HeapTypeNamer(types, modules);
    }

    private static HeapTypeInfo Describe(ulong module, Type type, params ulong[] parameters) =>
        new(module, type.MetadataToken, IsArray: false, type.Name, parameters);

    private sealed class UserThing;
}
