using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using MemTrack.Internal.Activation;

/// <summary>
/// The runtime calls <see cref="Initialize"/> before the app's <c>Main</c> when this assembly is named in
/// <c>DOTNET_STARTUP_HOOKS</c> (the type must be named StartupHook and live in no namespace). It starts MemTrack as
/// the <c>MEMTRACK*</c> environment variables ask; anything that goes wrong is one line on standard error and the
/// app runs on untraced.
/// </summary>
internal static class StartupHook
{
    // MemTrack.dll and what it loads (TraceEvent, the diagnostics client and their own dependencies).
    private static readonly HashSet<string> OwnDependencies = new(StringComparer.OrdinalIgnoreCase)
    {
        "MemTrack",
        "Microsoft.Diagnostics.Tracing.TraceEvent",
        "Microsoft.Diagnostics.FastSerialization",
        "Microsoft.Diagnostics.NETCore.Client",
        "Microsoft.Extensions.Logging.Abstractions",
        "Microsoft.Extensions.DependencyInjection.Abstractions",
        "Dia2Lib",
        "TraceReloggerLib",
    };

    /// <summary>Entry point the runtime calls.</summary>
    public static void Initialize()
    {
        try
        {
            string directory = Path.GetDirectoryName(typeof(StartupHook).Assembly.Location) ?? AppContext.BaseDirectory;
            AssemblyLoadContext.Default.Resolving += (context, name) => LoadBeside(directory, context, name);
            Activate();
        }
        catch (Exception ex)
        {
            // Anything thrown out of a startup hook stops the app from starting: the app must run on, untraced.
            Console.Error.WriteLine($"MemTrack: the startup hook failed ({ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}); the app runs untraced.");
        }
    }

    /// <summary>
    /// Loads MemTrack and its dependencies from the hook's folder when the app does not have them; any other name is
    /// left to the app's own probing (the folder may hold other assemblies, e.g. the memtrack tool's).
    /// </summary>
    private static Assembly? LoadBeside(string directory, AssemblyLoadContext context, AssemblyName name)
    {
        if (name.Name is null || !OwnDependencies.Contains(name.Name))
        {
            return null;
        }

        string path = Path.Combine(directory, name.Name + ".dll");
        return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
    }

    // Kept out of Initialize so that MemTrack.dll is loaded only after the resolver is in place.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Activate() => EnvironmentActivation.Activate(Environment.GetEnvironmentVariable, Console.Error);
}
