using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Runtime.Hosting;

/// <summary>Configures the silo in <see cref="SiloHostingExtensions.UseMicroSegSilo"/> (Orleans <c>ISiloBuilder</c>).</summary>
public interface ISiloBuilder
{
    /// <summary>The host's services.</summary>
    IServiceCollection Services { get; }

    /// <summary>The host's configuration.</summary>
    IConfiguration Configuration { get; }
}

/// <summary>Configures the cluster client in <see cref="ClientHostingExtensions.UseMicroSegClient"/> (Orleans <c>IClientBuilder</c>).</summary>
public interface IClientBuilder
{
    /// <summary>The host's services.</summary>
    IServiceCollection Services { get; }

    /// <summary>The host's configuration.</summary>
    IConfiguration Configuration { get; }
}

internal sealed record SiloBuilder(IServiceCollection Services, IConfiguration Configuration) : ISiloBuilder;

internal sealed record ClientBuilder(IServiceCollection Services, IConfiguration Configuration) : IClientBuilder;
