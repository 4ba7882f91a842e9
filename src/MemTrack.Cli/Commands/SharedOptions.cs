using System.CommandLine;

namespace MemTrack.Cli.Commands;

/// <summary>Options several commands share, built fresh for each command (an option belongs to one command).</summary>
internal static class SharedOptions
{
    public static Argument<string> SnapshotFile(string name, string description) => new(name) { Description = description };

    public static Option<KeyType> Key() => new("--key", "-k")
    {
        Description = "Group by: lineno (source line), filename, traceback (whole stack), method, or type (allocated type).",
        HelpName = "lineno|filename|traceback|method|type",
        DefaultValueFactory = _ => KeyType.LineNo,
        CustomParser = result => Parse<KeyType>(result.Tokens.Single().Value, result),
    };

    public static Option<MemoryKind?> Kind() => new("--kind")
    {
        HelpName = "live|allocated",
        Description = "live (still alive at the snapshot) or allocated (everything allocated, dead or alive). Default: live when the snapshot has live data, else allocated.",
        CustomParser = result => Parse<MemoryKind>(result.Tokens.Single().Value, result),
    };

    public static Option<int> Top() => new("--top", "-n")
    {
        Description = "Number of entries to print (at least 1).",
        HelpName = "N",
        DefaultValueFactory = _ => 10,
        Validators = { result => RequirePositive(result) },
    };

    public static void RequirePositive(System.CommandLine.Parsing.OptionResult result)
    {
        if (result.GetValueOrDefault<int>() < 1)
        {
            result.AddError($"{result.IdentifierToken?.Value ?? "the option"} must be at least 1.");
        }
    }

    /// <summary>Case-insensitive enum names (lineno, LineNo, LINENO), with the allowed names in the error.</summary>
    private static T Parse<T>(string text, System.CommandLine.Parsing.ArgumentResult result)
        where T : struct, Enum
    {
        if (Enum.TryParse(text, ignoreCase: true, out T value) && Enum.IsDefined(value) && !int.TryParse(text, out _))
        {
            return value;
        }

        result.AddError($"'{text}' is not one of: {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}.");
        return default;
    }
}
