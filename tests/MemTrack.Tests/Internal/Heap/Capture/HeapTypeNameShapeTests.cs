using MemTrack.Internal.Heap.Capture;

namespace MemTrack.Tests.Internal.Heap.Capture;

public sealed class HeapTypeNameShapeTests
{
    [Theory]
    [InlineData("System.Collections.Generic.List`1[!0]", "System.Collections.Generic.List`1[Ns.Order]", "Ns.Order")]
    [InlineData("!0[]", "Ns.Order[]", "Ns.Order")]
    [InlineData("!0[]", "Ns.Order[][]", "Ns.Order[]")]
    [InlineData("!0[,]", "Ns.Box`1[System.Int32][,]", "Ns.Box`1[System.Int32]")]
    [InlineData("System.Threading.ThreadLocal`1+LinkedSlotVolatile[!0][]", "System.Threading.ThreadLocal`1+LinkedSlotVolatile[Ns.Q`1[System.String]][]", "Ns.Q`1[System.String]")]
    public void A_parameter_binds_to_the_name_of_the_type_it_stands_for(string pattern, string actual, string bound)
    {
        var arguments = new string?[1];

        Assert.True(Shape(pattern).Unify(Shape(actual), arguments));
        Assert.Equal(bound, arguments[0]);
    }

    [Theory]
    [InlineData("System.Collections.Generic.List`1[!0]", "System.Collections.Generic.HashSet`1[Ns.Order]")]
    [InlineData("!0[]", "Ns.Order[,]")]
    [InlineData("!0[]", "Ns.Order")]
    [InlineData("System.Collections.Generic.Dictionary`2[!0,!0]", "System.Collections.Generic.Dictionary`2[System.Int32,System.String]")]
    [InlineData("System.Collections.Generic.List`1[!!0]", "System.Collections.Generic.List`1[Ns.Order]")]
    public void Different_shapes_or_one_parameter_for_two_types_do_not_match(string pattern, string actual)
    {
        Assert.False(Shape(pattern).Unify(Shape(actual), new string?[1]));
    }

    [Theory]
    [InlineData("Ns.Order[*]", "[*]")]
    [InlineData("Ns.Order[]", "[]")]
    [InlineData("System.Collections.Generic.Dictionary`2+Entry[System.Int32,System.String]", "System.Collections.Generic.Dictionary`2+Entry")]
    public void The_head_is_the_array_suffix_or_the_definitions_name(string name, string head)
    {
        Assert.Equal(head, Shape(name).Head);
        Assert.Equal(name, Shape(name).Text);
    }

    [Theory]
    [InlineData("List`1[")]
    [InlineData("List`1[A,]")]
    [InlineData("")]
    [InlineData("A]")]
    public void A_name_not_in_the_heaps_format_is_not_parsed(string name)
    {
        Assert.Null(HeapTypeNameShape.Parse(name));
    }

    [Theory]
    [InlineData("Ns.Plain", 0)]
    [InlineData("Ns.Registry`1", 1)]
    [InlineData("Ns.Outer`1+Inner`2", 3)]
    [InlineData("Ns.Outer`1+Inner", 1)]
    public void The_parameter_count_sums_the_arities_of_the_nesting(string definition, int count)
    {
        Assert.Equal(count, HeapTypeNameShape.ParameterCount(definition));
    }

    private static HeapTypeNameShape Shape(string name) => HeapTypeNameShape.Parse(name) ?? throw new InvalidOperationException("not parsed: " + name);
}
