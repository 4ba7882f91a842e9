using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MemTrack.Extensions.Hosting.Tests.TestSupport;

/// <summary>An <see cref="ILoggerProvider"/> that keeps every entry in memory, for tests to read and wait on.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly List<LogEntry> _entries = [];

    /// <summary>A copy of the entries so far, in order.</summary>
    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Called with each entry once it is captured, on the thread that logged it; a test may block it there.</summary>
    public Action<LogEntry>? Logged { get; set; }

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>Waits, woken by each new entry, until <paramref name="condition"/> holds for the entries; fails after <paramref name="timeout"/>.</summary>
    public IReadOnlyList<LogEntry> WaitFor(Func<IReadOnlyList<LogEntry>, bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        lock (_entries)
        {
            while (!condition(_entries))
            {
                TimeSpan left = timeout - clock.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    Assert.Fail($"condition not met within {timeout}; entries:{Environment.NewLine}{string.Join(Environment.NewLine, _entries)}");
                }

                Monitor.Wait(_entries, left);
            }

            return [.. _entries];
        }
    }

    private void Add(LogEntry entry)
    {
        lock (_entries)
        {
            _entries.Add(entry);
            Monitor.PulseAll(_entries);
        }
    }

    private sealed class CapturingLogger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach ((string key, object? value) in pairs)
                {
                    values[key] = value;
                }
            }

            var entry = new LogEntry(category, logLevel, eventId, formatter(state, exception), values, exception);
            owner.Add(entry);
            owner.Logged?.Invoke(entry);
        }
    }
}
