using System.Net;

namespace MicroSeg.Runtime.Hosting;

/// <summary>Facts about the silo in this process (Orleans <c>ILocalSiloDetails</c>).</summary>
public interface ILocalSiloDetails
{
    /// <summary>The silo's name: configuration <c>MicroSeg:SiloName</c>, else the machine name.</summary>
    string Name { get; }

    /// <summary>The endpoint the gateway listens on (the real port when 0 was configured); null until the silo has started.</summary>
    IPEndPoint? GatewayEndpoint { get; }
}

internal sealed class LocalSiloDetails(Microsoft.Extensions.Configuration.IConfiguration? configuration = null) : ILocalSiloDetails
{
    public string Name { get; } = configuration?["MicroSeg:SiloName"] is { Length: > 0 } name ? name : Environment.MachineName;

    public IPEndPoint? GatewayEndpoint { get; set; }

    /// <summary>This silo's cluster identity (cluster mode only).</summary>
    public Cluster.SiloAddress? SiloAddress { get; set; }
}
