using MemTrack.Extensions.Hosting.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MemTrack.Extensions.Hosting.Tests;

/// <summary>What AddMemTrack registers (no host started, no tracer).</summary>
public sealed class MemTrackServiceCollectionExtensionsTests
{
    [Fact]
    public void NullArgumentsThrow()
    {
        Assert.Throws<ArgumentNullException>("services", () => MemTrackServiceCollectionExtensions.AddMemTrack(null!));
        Assert.Throws<ArgumentNullException>("services", () => MemTrackServiceCollectionExtensions.AddMemTrack(null!, _ => { }));
        Assert.Throws<ArgumentNullException>("configure", () => new ServiceCollection().AddMemTrack(null!));
    }

    [Fact]
    public void CallingItTwiceAddsOneHostedServiceAndBothConfigurations()
    {
        var services = new ServiceCollection();
        IServiceCollection returned = services.AddLogging().AddMemTrack(o => o.Top = 3).AddMemTrack(o => o.Key = KeyType.Method);
        Assert.Same(services, returned);

        using ServiceProvider provider = services.BuildServiceProvider();
        IHostedService hosted = Assert.Single(provider.GetServices<IHostedService>());
        Assert.IsType<MemTrackHostedService>(hosted);
        Assert.Single(provider.GetServices<IValidateOptions<MemTrackHostingOptions>>());
        MemTrackHostingOptions options = provider.GetRequiredService<IOptions<MemTrackHostingOptions>>().Value;
        Assert.Equal(3, options.Top);
        Assert.Equal(KeyType.Method, options.Key);
    }

    [Fact]
    public void TheOptionsAreValidatedWhenRead()
    {
        using ServiceProvider provider = new ServiceCollection().AddMemTrack(o => o.Top = 0).BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<MemTrackHostingOptions>>().Value);
        Assert.Contains("MemTrackHostingOptions.Top", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutLoggingTheServiceIsStillCreated()
    {
        using ServiceProvider provider = new ServiceCollection().AddMemTrack().BuildServiceProvider();
        Assert.IsType<MemTrackHostedService>(Assert.Single(provider.GetServices<IHostedService>()));
        Assert.Null(provider.GetService<ILoggerFactory>());
    }
}
