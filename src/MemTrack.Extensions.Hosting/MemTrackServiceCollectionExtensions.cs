using MemTrack.Extensions.Hosting;
using MemTrack.Extensions.Hosting.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers MemTrack with a host's services.</summary>
public static class MemTrackServiceCollectionExtensions
{
    /// <summary>
    /// Traces the process's allocations while the host runs, with the default <see cref="MemTrackHostingOptions"/>:
    /// the tracer starts before any hosted service starts, and the top 10 allocating source lines (live and allocated)
    /// are logged under the "MemTrack" category when the host stops. If the tracer cannot start (for example with
    /// <c>DOTNET_EnableDiagnostics=0</c>), a warning is logged and the application runs untraced.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddMemTrack(this IServiceCollection services) => services.AddMemTrack(static _ => { });

    /// <summary>
    /// Traces the process's allocations while the host runs (see <see cref="AddMemTrack(IServiceCollection)"/>), with
    /// options set by <paramref name="configure"/>. Calling it again adds another configuration step, not another tracer.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Sets the options; checked when the host starts.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is null.</exception>
    public static IServiceCollection AddMemTrack(this IServiceCollection services, Action<MemTrackHostingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<MemTrackHostingOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MemTrackHostingOptions>, MemTrackHostingOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MemTrackHostedService>(static provider => new MemTrackHostedService(
            provider.GetRequiredService<IOptions<MemTrackHostingOptions>>().Value,
            (provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger(MemTrackHostedService.Category))));
        return services;
    }
}
