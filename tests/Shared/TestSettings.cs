using System.Globalization;
using Xunit;

namespace MemTrack.Tests.Shared;

/// <summary>Sizes of the long-running tests: a short default for CI, a longer run through an environment variable.</summary>
internal static class TestSettings
{
    /// <summary>The variable's value as a positive whole number, or <paramref name="defaultValue"/> when it is not set.</summary>
    public static int Int(string variable, int defaultValue)
    {
        string? text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        Assert.True(int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0, $"{variable}='{text}' is not a positive whole number");
        return value;
    }
}
