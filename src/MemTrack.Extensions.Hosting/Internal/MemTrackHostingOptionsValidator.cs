using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static System.FormattableString;

namespace MemTrack.Extensions.Hosting.Internal;

/// <summary>
/// Checks <see cref="MemTrackHostingOptions"/> when the host starts. The values inside
/// <see cref="MemTrackHostingOptions.Tracer"/> are checked by <see cref="MemTracker.Start(MemTrackerOptions)"/> itself.
/// </summary>
internal sealed class MemTrackHostingOptionsValidator : IValidateOptions<MemTrackHostingOptions>
{
    /// <summary>The longest interval <see cref="PeriodicTimer"/> accepts.</summary>
    internal static readonly TimeSpan MaxLogInterval = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private const string Prefix = nameof(MemTrackHostingOptions) + ".";

    public ValidateOptionsResult Validate(string? name, MemTrackHostingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Tracer is null)
        {
            failures.Add(Prefix + nameof(options.Tracer) + " must not be null.");
        }

        if (options.Top < 1)
        {
            failures.Add(Invariant($"{Prefix}{nameof(options.Top)} must be at least 1; it was {options.Top}."));
        }

        if (!Enum.IsDefined(options.Key))
        {
            failures.Add(Invariant($"{Prefix}{nameof(options.Key)} must be a KeyType value; it was {(int)options.Key}."));
        }

        if (options.LogInterval is TimeSpan interval && (interval < TimeSpan.FromMilliseconds(1) || interval > MaxLogInterval))
        {
            failures.Add(Invariant($"{Prefix}{nameof(options.LogInterval)} must be null or between 1 ms and {MaxLogInterval.TotalDays:0.#} days; it was {interval}."));
        }

        if (!Enum.IsDefined(options.LogLevel))
        {
            failures.Add(Invariant($"{Prefix}{nameof(options.LogLevel)} must be a LogLevel value; it was {(int)options.LogLevel}."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
