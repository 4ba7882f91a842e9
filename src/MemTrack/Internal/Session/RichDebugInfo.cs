using System.Globalization;

namespace MemTrack.Internal.Session;

/// <summary>
/// The runtime's rich debug info: with <c>DOTNET_RichDebugInfo=1</c> in the environment when the process starts (the
/// JIT reads it once; runtimeconfig.json cannot set it), the JIT keeps the inline tree of every method it compiles and
/// the runtime sends it (event JittedMethodRichDebugInfo of its private provider) for code compiled while a session
/// listens, so frames inlined into their callers get frames of their own. Whoever starts the process sets it: the
/// startup hook's instructions, <c>memtrack run</c> and the traced re-run of memory assertions.
/// </summary>
internal static class RichDebugInfo
{
    /// <summary>The environment variable, as the runtime reads it (also with the older prefix COMPlus_).</summary>
    public const string Variable = "DOTNET_RichDebugInfo";

    /// <summary>The value that turns it on.</summary>
    public const string On = "1";

    public const string PrivateProviderName = "Microsoft-Windows-DotNETRuntimePrivate";

    /// <summary>Whether this process started with rich debug info on (the runtime parses the value as hex; not 0 is on).</summary>
    public static bool IsEnabled => IsOn(Environment.GetEnvironmentVariable(Variable) ?? Environment.GetEnvironmentVariable("COMPlus_RichDebugInfo"));

    /// <summary>Whether a value of the variable turns rich debug info on.</summary>
    public static bool IsOn(string? value) =>
        uint.TryParse(value?.Trim().Replace("0x", string.Empty, StringComparison.OrdinalIgnoreCase), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint number) && number != 0;
}
