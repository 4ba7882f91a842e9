using System.Reflection;

namespace MemTrack.Tests.TestSupport;

/// <summary>
/// Checks what the compiler does not: that everything outside the public surface is internal, sealed or static, under
/// an Internal namespace. The public surface itself is tracked by Microsoft.CodeAnalysis.PublicApiAnalyzers in the
/// build (PublicAPI.Shipped.txt / PublicAPI.Unshipped.txt next to each package's project). Shared with the other test
/// projects (linked into them).
/// </summary>
internal static class PublicApi
{
    /// <summary>Fails when a top-level class of <paramref name="internalNamespace"/> is neither sealed nor static, or a public type is in an Internal namespace.</summary>
    public static void AssertInternalTypesAreSealedOrStatic(Assembly assembly, string internalNamespace)
    {
        var offenders = assembly.GetTypes()
            .Where(t => !t.IsPublic && !t.IsNested && t.Namespace?.StartsWith(internalNamespace, StringComparison.Ordinal) == true)
            .Where(t => t.IsClass && !t.IsSealed && !t.IsAbstract && !t.Name.StartsWith('<'))
            .Select(t => t.FullName)
            .ToList();
        Assert.True(offenders.Count == 0, "not sealed: " + string.Join(", ", offenders));
        Assert.All(
            assembly.GetExportedTypes(),
            t => Assert.False(t.Namespace!.Contains("Internal", StringComparison.Ordinal), t.FullName));
    }
}
