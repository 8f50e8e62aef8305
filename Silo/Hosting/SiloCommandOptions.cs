using MicroSeg.Hosting;

namespace MicroSeg.Silo.Hosting;

/// <summary>Settings of one silo process, from the command line.</summary>
internal sealed record SiloCommandOptions
{
    /// <summary>URL of the REST API and dashboards. Default http://127.0.0.1:8080.</summary>
    public string Http { get; init; } = "http://127.0.0.1:8080";

    /// <summary>Silo-to-silo port. Default 11111.</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>Port that agents and other clients connect to. Default 30000.</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>Directory of the embedded SQLite database. Default ./data.</summary>
    public string Data { get; init; } = "data";

    /// <summary>PostgreSQL connection string for cluster mode; null for the embedded single silo.</summary>
    public string? Postgres { get; init; }

    /// <summary>Address other silos and clients reach this silo on (cluster mode). Default 127.0.0.1.</summary>
    public string Advertise { get; init; } = "127.0.0.1";

    /// <summary>File of the bootstrap admin token (created with mode 0600 when missing). Default &lt;data dir&gt;/admin.token.</summary>
    public string? AdminTokenFile { get; init; }

    /// <summary>When true, /metrics answers without a token. Default false.</summary>
    public bool OpenMetrics { get; init; }

    /// <summary>OIDC issuer whose JWTs the API accepts beside MicroSeg tokens; null accepts MicroSeg tokens only.</summary>
    public string? OidcAuthority { get; init; }

    /// <summary>Audience the JWTs must carry; null leaves the audience unchecked.</summary>
    public string? OidcAudience { get; init; }

    /// <summary>Directory of ca.crt, silo.crt and silo.key. Default &lt;data dir&gt;/tls.</summary>
    public string? TlsDirectory { get; init; }

    /// <summary>When true, the silo and gateway ports are plain text and unauthenticated. Default false.</summary>
    public bool NoTls { get; init; }

    /// <summary>A gateway (client) connection that sends nothing for this long is closed. Default 5 minutes.</summary>
    public TimeSpan GatewayIdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Node name of this host's agent, whose certificate the embedded silo issues on first start. Default: the short host name, lower case.</summary>
    public string LocalNode { get; init; } = Environment.MachineName.Split('.')[0].ToLowerInvariant().Replace('_', '-');
    /// <summary>Console log format: "simple" (default) or "json" (one object per line, for collectors).</summary>
    public string LogFormat { get; init; } = ConsoleLogFormat.Simple;

    /// <summary>When true (cluster mode in a Kubernetes pod), Orleans' Kubernetes hosting is on. Default false.</summary>
    public bool Kubernetes { get; init; }

    /// <summary>Silo name in logs and cluster views. Default: the host name.</summary>
    public string Name { get; init; } = Environment.MachineName;
}
