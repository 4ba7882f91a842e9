using System.Reflection;
using System.Text;

namespace MemTrack.Tests.TestSupport;

/// <summary>
/// Checks a shipped assembly's public surface, listed by reflection, against its project's PublicAPI.Shipped.txt plus
/// PublicAPI.Unshipped.txt. With MEMTRACK_UPDATE_PUBLIC_API=1 it rewrites Unshipped after an intended change, and
/// fails if that changed the file (listing the lines), so a rerun without the variable is the check. Shared
/// with the other test projects (linked into them).
/// </summary>
internal static class PublicApi
{
    /// <summary>Fails with the added and removed lines when the assembly's public API differs from the tracked files.</summary>
    /// <param name="assembly">The shipped assembly.</param>
    /// <param name="projectDirectory">Its project folder, relative to the repository root (e.g. src/MemTrack).</param>
    public static void AssertMatchesTrackedFiles(Assembly assembly, string projectDirectory)
    {
        string srcDir = Path.Combine(FindRepoRoot(), projectDirectory);
        string shippedPath = Path.Combine(srcDir, "PublicAPI.Shipped.txt");
        string unshippedPath = Path.Combine(srcDir, "PublicAPI.Unshipped.txt");
        var shipped = ReadEntries(shippedPath);
        List<string> actual = Describe(assembly);

        if (Environment.GetEnvironmentVariable("MEMTRACK_UPDATE_PUBLIC_API") == "1")
        {
            RewriteUnshipped(unshippedPath, [.. actual.Where(line => !shipped.Contains(line))]);
        }

        var tracked = new HashSet<string>(shipped.Concat(ReadEntries(unshippedPath)), StringComparer.Ordinal);
        var added = actual.Where(line => !tracked.Contains(line)).ToList();
        var removed = tracked.Where(line => !actual.Contains(line)).Order(StringComparer.Ordinal).ToList();
        var message = new StringBuilder();
        if (added.Count > 0)
        {
            message.AppendLine("Public API not in PublicAPI.*.txt (add to Unshipped if intended):").AppendJoin(Environment.NewLine, added).AppendLine();
        }

        if (removed.Count > 0)
        {
            message.AppendLine("Tracked API that no longer exists:").AppendJoin(Environment.NewLine, removed).AppendLine();
        }

        Assert.True(message.Length == 0, message.ToString());
    }

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

    public static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MemTrack.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("MemTrack.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// Update mode: writes <paramref name="lines"/> to PublicAPI.Unshipped.txt and passes only if that changed nothing;
    /// otherwise fails with what the rewrite added and removed, so that a run with the variable set never passes on a
    /// file it has just written.
    /// </summary>
    private static void RewriteUnshipped(string unshippedPath, List<string> lines)
    {
        string before = File.Exists(unshippedPath) ? File.ReadAllText(unshippedPath) : string.Empty;
        string after = string.Concat(lines.Select(line => line + Environment.NewLine));
        if (string.Equals(before, after, StringComparison.Ordinal))
        {
            return;
        }

        File.WriteAllText(unshippedPath, after);
        string[] old = before.Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries);
        var message = new StringBuilder($"{unshippedPath} was rewritten; review the change and rerun without MEMTRACK_UPDATE_PUBLIC_API.");
        foreach (string line in lines.Except(old, StringComparer.Ordinal))
        {
            message.AppendLine().Append("+ ").Append(line);
        }

        foreach (string line in old.Except(lines, StringComparer.Ordinal))
        {
            message.AppendLine().Append("- ").Append(line);
        }

        Assert.Fail(message.ToString());
    }

    private static HashSet<string> ReadEntries(string path) =>
        File.Exists(path)
            ? new HashSet<string>(File.ReadAllLines(path).Where(l => l.Length > 0 && !l.StartsWith('#')), StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);

    private static List<string> Describe(Assembly assembly)
    {
        var lines = new List<string>();
        const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (Type type in assembly.GetExportedTypes())
        {
            string kind = type.IsEnum ? "enum" : type.IsValueType ? "struct" : type.IsInterface ? "interface" : type.IsAbstract && type.IsSealed ? "static class" : type.IsAbstract ? "abstract class" : type.IsSealed ? "sealed class" : "class";
            string bases = type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum) ? " : " + Name(b) : string.Empty;
            lines.Add($"{kind} {Name(type)}{bases}");
            foreach (Type iface in type.GetInterfaces().Where(i => i.IsPublic))
            {
                lines.Add($"{Name(type)} implements {Name(iface)}");
            }

            foreach (MemberInfo member in type.GetMembers(flags))
            {
                string? text = member switch
                {
                    ConstructorInfo c => $"{Name(type)}.ctor({Parameters(c)})",
                    MethodInfo m when !m.IsSpecialName => $"{(m.IsStatic ? "static " : string.Empty)}{Name(type)}.{m.Name}({Parameters(m)}) -> {Name(m.ReturnType)}",
                    PropertyInfo p => $"{(p.GetMethod?.IsStatic == true ? "static " : string.Empty)}{Name(type)}.{p.Name} {{{(p.GetMethod?.IsPublic == true ? " get;" : string.Empty)}{(p.SetMethod?.IsPublic == true ? " set;" : string.Empty)} }} -> {Name(p.PropertyType)}",
                    EventInfo e => $"{(e.AddMethod?.IsStatic == true ? "static " : string.Empty)}{Name(type)}.{e.Name} -> event {Name(e.EventHandlerType!)}",
                    FieldInfo f when type.IsEnum && f.IsStatic => $"{Name(type)}.{f.Name} = {Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}",
                    FieldInfo f when !type.IsEnum => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : string.Empty)}{Name(type)}.{f.Name} -> {Name(f.FieldType)}",
                    _ => null,
                };
                if (text is not null)
                {
                    lines.Add(text);
                }
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static string Parameters(MethodBase method) =>
        string.Join(", ", method.GetParameters().Select(p => $"{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : string.Empty)}"));

    private static string Name(Type type)
    {
        if (type.IsByRef)
        {
            return "ref " + Name(type.GetElementType()!);
        }

        if (!type.IsGenericType)
        {
            return type.FullName ?? type.Name;
        }

        string name = type.GetGenericTypeDefinition().FullName!;
        name = name[..name.IndexOf('`', StringComparison.Ordinal)];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>";
    }
}
