using MemTrack.Internal.Heap.Graph;
using MemTrack.Tests.Internal.Heap.Graph.Samples;

namespace MemTrack.Tests.Internal.Heap.Graph;

public sealed class TypeNamePatternTests
{
    public static TheoryData<string, Type> SpellingsOfOneType() => new()
    {
        { typeof(Outer.Inner).FullName!, typeof(Outer.Inner) },
        { typeof(Outer.Inner).AssemblyQualifiedName!, typeof(Outer.Inner) },
        { typeof(Outer.Inner).FullName!.Replace('+', '.'), typeof(Outer.Inner) },
        { "Inner", typeof(Outer.Inner) },
        { typeof(Box<int>).FullName!, typeof(Box<int>) },
        { typeof(Box<int>).AssemblyQualifiedName!, typeof(Box<int>) },
        { typeof(Box<int>).ToString(), typeof(Box<int>) },
        { typeof(Box<int>).Namespace + ".Box<int>", typeof(Box<int>) },
        { typeof(Box<int>).Namespace + ".Box< System.Int32 >", typeof(Box<int>) },
        { "Box<int>", typeof(Box<int>) },
        { "Box`1[Int32]", typeof(Box<int>) },
        { typeof(Dictionary<string, List<int>>).FullName!, typeof(Dictionary<string, List<int>>) },
        { typeof(Dictionary<string, List<int>>).ToString(), typeof(Dictionary<string, List<int>>) },
        { "System.Collections.Generic.Dictionary<string, List<int>>", typeof(Dictionary<string, List<int>>) },
        { typeof(Box<int>[]).FullName!, typeof(Box<int>[]) },
        { "Box<int>[]", typeof(Box<int>[]) },
        { typeof(Outer.Inner[,]).FullName!, typeof(Outer.Inner[,]) },
        { "Inner[,]", typeof(Outer.Inner[,]) },
        { "byte[]", typeof(byte[]) },
        { "int?", typeof(int?) },
        { typeof(Box<Outer.Inner>).FullName!, typeof(Box<Outer.Inner>) },
        { "Box<MemTrack.Tests.Internal.Heap.Graph.Samples.Outer.Inner>", typeof(Box<Outer.Inner>) },
        { "Box<Inner>", typeof(Box<Outer.Inner>) },
        { typeof(Dictionary<int, Outer.Inner>.Enumerator).FullName!, typeof(Dictionary<int, Outer.Inner>.Enumerator) },
        { "System.Collections.Generic.Dictionary<int, Inner>.Enumerator", typeof(Dictionary<int, Outer.Inner>.Enumerator) },
        { "Outer.Inner", typeof(Outer.Inner) },
        { "Box<Outer.Inner>", typeof(Box<Outer.Inner>) },
        { "Enumerator", typeof(Dictionary<int, Outer.Inner>.Enumerator) },
        { "Dictionary<int, Inner>.Enumerator", typeof(Dictionary<int, Outer.Inner>.Enumerator) },
        { "Enumerator[]", typeof(Dictionary<int, Outer.Inner>.Enumerator[]) },
        { "Box<Enumerator>", typeof(Box<Dictionary<int, Outer.Inner>.Enumerator>) },
    };

    [Theory]
    [MemberData(nameof(SpellingsOfOneType))]
    public void A_spelling_matches_the_heap_name_of_its_type(string spelling, Type type)
    {
        TypeNamePattern heapName = TypeNamePattern.Parse(RuntimeTypeName.Of(type))!;
        TypeNamePattern pattern = TypeNamePattern.Parse(spelling)!;

        Assert.NotNull(heapName);
        Assert.NotNull(pattern);
        Assert.True(pattern.Matches(heapName), $"'{spelling}' should match '{RuntimeTypeName.Of(type)}'");
    }

    [Theory]
    [InlineData("Inner", typeof(Outer))]
    [InlineData("Box`1", typeof(Box<int>))]
    [InlineData("Box<long>", typeof(Box<int>))]
    [InlineData("Box<int>", typeof(Box<int>[]))]
    [InlineData("Box<int>[]", typeof(Box<int>))]
    [InlineData("Other.Outer.Inner", typeof(Outer.Inner))]
    [InlineData("Dictionary<long, Inner>.Enumerator", typeof(Dictionary<int, Outer.Inner>.Enumerator))]
    [InlineData("Dictionary`2.Enumerator", typeof(Dictionary<int, Outer.Inner>.Enumerator))]
    [InlineData("Generic.Enumerator", typeof(Dictionary<int, Outer.Inner>.Enumerator))]
    [InlineData("int[]", typeof(int[,]))]
    public void A_spelling_does_not_match_another_type(string spelling, Type type)
    {
        TypeNamePattern heapName = TypeNamePattern.Parse(RuntimeTypeName.Of(type))!;

        Assert.False(TypeNamePattern.Parse(spelling)!.Matches(heapName));
    }

    [Theory]
    [InlineData("Ns.Outer+<>c")]
    [InlineData("Ns.Outer+<>c__DisplayClass0_0")]
    [InlineData("Ns.Program+<<Main>$>g__Local|0_0")]
    [InlineData("<PrivateImplementationDetails>+__StaticArrayInitTypeSize=12")]
    [InlineData("Ns.Outer+<Run>d__3`1[System.Int32]")]
    public void Compiler_generated_names_read_as_heap_names_and_match_themselves(string heapName)
    {
        TypeNamePattern? pattern = TypeNamePattern.Parse(heapName);

        Assert.NotNull(pattern);
        Assert.True(pattern.Matches(pattern));
    }

    [Theory]
    [InlineData("Box<int")]
    [InlineData("Box[[System.Int32, CoreLib")]
    [InlineData("Ns.")]
    [InlineData("<unclosed")]
    public void A_name_in_no_known_spelling_does_not_parse(string name) => Assert.Null(TypeNamePattern.Parse(name));

    [Fact]
    public void The_graph_finds_every_type_of_a_short_name_and_only_those()
    {
        string[] names = ["A.Widget", "B.Outer+Widget", "A.Widget[]", "A.Gadget", "System.Collections.Generic.List`1[A.Widget]"];
        var graph = new HeapGraph([], [], [], names, [0], [], []);

        Assert.Equal([0, 1], graph.TypeIndicesMatching("Widget"));
        Assert.Equal([1], graph.TypeIndicesMatching("B.Outer.Widget"));
        Assert.Equal([2], graph.TypeIndicesMatching("Widget[]"));
        Assert.Equal([4], graph.TypeIndicesMatching("List<Widget>"));
        Assert.Empty(graph.TypeIndicesMatching("C.Widget"));
        Assert.Equal([3], graph.TypeIndicesMatching("A.Gadget, SomeAssembly, Version=1.0.0.0"));
    }
}
