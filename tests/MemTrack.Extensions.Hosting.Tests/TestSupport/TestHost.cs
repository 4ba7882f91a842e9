using MemTrack.Extensions.Hosting.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MemTrack.Extensions.Hosting.Tests.TestSupport;

/// <summary>A real host (<see cref="Host.CreateApplicationBuilder()"/>) with MemTrack registered and its logs captured.</summary>
internal sealed class TestHost : IDisposable
{
    /// <param name="configure">The MemTrack options, or null for <c>AddMemTrack()</c>.</param>
    /// <param name="services">Adds further services (after MemTrack).</param>
    public TestHost(Action<MemTrackHostingOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(Logs);
        if (configure is null)
        {
            builder.Services.AddMemTrack();
        }
        else
        {
            builder.Services.AddMemTrack(configure);
        }

        services?.Invoke(builder.Services);
        Host = builder.Build();
    }

    public IHost Host { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>The host's MemTrack hosted service.</summary>
    public MemTrackHostedService Service => Host.Services.GetServices<IHostedService>().OfType<MemTrackHostedService>().Single();

    /// <summary>The entries of the "MemTrack" category so far.</summary>
    public IReadOnlyList<LogEntry> MemTrackEntries => [.. Logs.Entries.Where(e => e.Category == MemTrackHostedService.Category)];

    /// <summary>The MemTrack entries with <paramref name="eventId"/> (a MemTrackLog id) (and, when given, of <paramref name="report"/>).</summary>
    public IReadOnlyList<LogEntry> Entries(int eventId, string? report = null) =>
        [.. MemTrackEntries.Where(e => e.EventId.Id == eventId && (report is null || Equals(e["Report"], report)))];

    public void Dispose() => Host.Dispose();
}
