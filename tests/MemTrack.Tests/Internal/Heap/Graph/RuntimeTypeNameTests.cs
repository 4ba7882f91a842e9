using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using MemTrack.Internal.Heap.Capture;
using MemTrack.Internal.Heap.Graph;

namespace MemTrack.Tests.Internal.Heap.Graph;

public sealed class RuntimeTypeNameTests
{
    private const string Self = "MemTrack.Tests.Internal.Heap.Graph.RuntimeTypeNameTests";

    [Fact]
    public void Plain_types_use_the_full_name()
    {
        Assert.Equal("System.String", RuntimeTypeName.Of(typeof(string)));
        Assert.Equal("System.Int32", RuntimeTypeName.Of(typeof(int)));
        Assert.Equal("System.Object", RuntimeTypeName.Of(typeof(object)));
    }

    [Fact]
    public void Arrays_are_the_element_name_with_their_rank()
    {
        Assert.Equal("System.Int32[]", RuntimeTypeName.Of(typeof(int[])));
        Assert.Equal("System.Int32[,]", RuntimeTypeName.Of(typeof(int[,])));
        Assert.Equal("System.Int32[,,]", RuntimeTypeName.Of(typeof(int[,,])));
        Assert.Equal("System.String[][]", RuntimeTypeName.Of(typeof(string[][])));
        Assert.Equal(Self + "+Nested[]", RuntimeTypeName.Of(typeof(Nested[])));
        Assert.Equal("System.Collections.Generic.List`1[System.Int32][]", RuntimeTypeName.Of(typeof(List<int>[])));
    }

    [Fact]
    public void Generic_instantiations_name_their_arguments_the_same_way_without_assemblies()
    {
        Assert.Equal("System.Collections.Generic.List`1[System.Int32]", RuntimeTypeName.Of(typeof(List<int>)));
        Assert.Equal(
            "System.Collections.Generic.Dictionary`2[System.String,System.Collections.Generic.List`1[System.Int32[]]]",
            RuntimeTypeName.Of(typeof(Dictionary<string, List<int[]>>)));
        Assert.Equal("System.Collections.Generic.List`1[" + Self + "+Nested]", RuntimeTypeName.Of(typeof(List<Nested>)));
        Assert.Equal("System.Nullable`1[System.Int32]", RuntimeTypeName.Of(typeof(int?)));
    }

    [Fact]
    public void Nested_types_join_their_declaring_types_with_a_plus()
    {
        Assert.Equal(Self + "+Nested", RuntimeTypeName.Of(typeof(Nested)));
        Assert.Equal(Self + "+Nested+Deeper", RuntimeTypeName.Of(typeof(Nested.Deeper)));
        Assert.Equal(Self + "+Box`1[System.String]", RuntimeTypeName.Of(typeof(Box<string>)));
        Assert.Equal(Self + "+Box`1[" + Self + "+Box`1[System.Int32[,]]]", RuntimeTypeName.Of(typeof(Box<Box<int[,]>>)));
        Assert.Equal(Self + "+Box`1+Inside[System.Int32]", RuntimeTypeName.Of(typeof(Box<int>.Inside)));
        Assert.Equal(
            "System.Collections.Generic.Dictionary`2+Entry[System.Int32,System.String][]",
            RuntimeTypeName.Of(typeof(Dictionary<int, string>).GetField("_entries", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.FieldType));
    }

    [Fact]
    public void Names_match_the_heap_capture_names_read_from_metadata()
    {
        // A heap capture names a type definition from metadata (MetadataTypeNames); ObjectsOfType(Type) looks objects
        // up by this name, so the two must agree.
        MetadataReader reader = Assert.IsType<MetadataReader>(MetadataTypeNames.ReaderOf(typeof(RuntimeTypeNameTests).Assembly));
        var names = new MetadataTypeNames(reader);
        foreach (Type type in new[] { typeof(Nested), typeof(Nested.Deeper), typeof(RuntimeTypeNameTests) })
        {
            string fromMetadata = names.FullName(MetadataTokens.TypeDefinitionHandle(type.MetadataToken & 0xFFFFFF));
            Assert.Equal(fromMetadata, RuntimeTypeName.Of(type));
        }
    }

    internal sealed class Nested
    {
        internal sealed class Deeper;
    }

    internal sealed class Box<T>
    {
        public T? Value { get; set; }

        internal sealed class Inside;
    }
}
