using Microsoft.Extensions.Logging;

namespace MemTrack.Extensions.Hosting.Tests.TestSupport;

/// <summary>One captured log entry, with its structured values.</summary>
internal sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, IReadOnlyDictionary<string, object?> Values, Exception? Exception)
{
    /// <summary>A structured value by name, or null.</summary>
    public object? this[string name] => Values.GetValueOrDefault(name);

    public override string ToString() => $"{Level} {Category}[{EventId.Id}] {Message}";
}
