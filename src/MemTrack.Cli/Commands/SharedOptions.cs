using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

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

    public static Option<int> Top(int max = int.MaxValue) => new("--top", "-n")
    {
        Description = max == int.MaxValue ? "Number of entries to print (at least 1)." : $"Number of entries per view (1 to {max}).",
        HelpName = "N",
        DefaultValueFactory = _ => ExitReportOptions.DefaultTop,
        Validators =
        {
            result => RequireRange(
                result,
                1,
                max,
                max == int.MaxValue ? $"{result.IdentifierToken?.Value} must be at least 1." : $"{result.IdentifierToken?.Value} must be from 1 to {max}."),
        },
    };

    /// <summary>
    /// Adds <paramref name="message"/> as the error when the number given is outside <paramref name="min"/> to
    /// <paramref name="max"/>. Reads the token, not the value: a validator runs before the parser reports text that is
    /// not a number (reading the value there throws), and a default (no token) is in range.
    /// </summary>
    public static void RequireRange(SymbolResult result, int min, int max, string message)
    {
        if (result.Tokens.Count > 0
            && int.TryParse(result.Tokens[^1].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            && (value < min || value > max))
        {
            result.AddError(message);
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
