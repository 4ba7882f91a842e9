using MemTrack.Internal.Decoding;

namespace MemTrack.Tests.Internal.Decoding;

public sealed class SimpleNamesTests
{
    [Theory]
    [InlineData("System.Byte[]", "Byte[]")]
    [InlineData("System.String", "String")]
    [InlineData("MyApp.Outer+Inner", "Inner")]
    [InlineData("MyApp.Outer+Inner[][]", "Inner[]")]
    [InlineData("System.Int32[,]", "Int32[]")]
    [InlineData("System.Collections.Generic.List`1[System.Int32]", "List`1")]
    [InlineData("System.Collections.Generic.Dictionary`2+Entry[System.String,System.Int32][]", "Entry[]")]
    [InlineData("Box`1[System.Collections.Generic.List`1[System.Int32]]", "Box`1")]
    public void ATypeIsNamedWithoutNamespaceEnclosingTypesOrGenericArguments(string fullName, string expected) =>
        Assert.Equal(expected, SimpleNames.OfType(fullName));

    [Theory]
    [InlineData("MyApp.Holder..ctor", ".ctor")]
    [InlineData("MyApp.Holder..cctor", ".cctor")]
    [InlineData("System.String.Concat", "Concat")]
    [InlineData("MyApp.Shape.<Run>g__Make|4_0", "<Run>g__Make|4_0")]
    [InlineData("Main", "Main")]
    public void AMethodIsNamedWithoutItsType(string fullName, string expected) =>
        Assert.Equal(expected, SimpleNames.OfMethod(fullName));

    [Theory]
    [InlineData("Byte[]", "Byte[]", true)]
    [InlineData("Byte[]", "Int32[]", false)]
    [InlineData("*", "Holder", true)]
    [InlineData("*[]", "Holder[]", true)]
    [InlineData("*[]", "Holder", false)]
    public void AnIlTypeMatchesTheAllocatedTypeByNameOrAsAGenericParameter(string il, string allocated, bool expected) =>
        Assert.Equal(expected, SimpleNames.TypesMatch(il, allocated));
}
