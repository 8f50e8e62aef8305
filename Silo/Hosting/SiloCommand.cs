using System.CommandLine;
using MicroSeg.Hosting;

namespace MicroSeg.Silo.Hosting;

/// <summary>The microseg-silo command line.</summary>
internal static class SiloCommand
{
    /// <summary>Environment variable read when --postgres is not given.</summary>
    public const string PostgresVariable = "MICROSEG_POSTGRES";

    public static RootCommand Create()
    {
        var defaults = new SiloCommandOptions();
        var http = new Option<string>("--http") { Description = "URL of the REST API and dashboard", DefaultValueFactory = _ => defaults.Http };
        var siloPort = new Option<int>("--silo-port") { Description = "silo-to-silo port", DefaultValueFactory = _ => defaults.SiloPort };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "port agents and clients connect to", DefaultValueFactory = _ => defaults.GatewayPort };
        var data = new Option<string>("--data") { Description = "directory of the embedded SQLite database", DefaultValueFactory = _ => defaults.Data };
        var postgres = new Option<string?>("--postgres")
        {
            // From the environment too, so a password need not appear in the process list (systemd EnvironmentFile, a Kubernetes Secret).
            Description = $"PostgreSQL connection string: join that cluster instead of running the embedded single silo (else ${PostgresVariable})",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null,
        };
        var name = new Option<string>("--name") { Description = "silo name", DefaultValueFactory = _ => defaults.Name };
        var adminToken = new Option<string?>("--admin-token-file") { Description = "file holding the bootstrap admin API token; created (mode 0600) with a new token when missing. Default: <data>/admin.token" };
        var openMetrics = new Option<bool>("--open-metrics") { Description = "serve /metrics without a token (default: a viewer token is needed)" };
        var oidcAuthority = new Option<string?>("--oidc-authority") { Description = "OIDC issuer URL whose JWT bearer tokens the API accepts beside MicroSeg tokens (role in the 'roles' claim: viewer, operator or admin)" };
        var oidcAudience = new Option<string?>("--oidc-audience") { Description = "audience ('aud') the OIDC tokens must carry" };
        var tlsDir = new Option<string?>("--tls-dir") { Description = "directory with ca.crt, silo.crt and silo.key (microseg-silo certs); the embedded silo creates them, and the local agent's agent.crt, on first start. Default: <data>/tls" };
        var noTls = new Option<bool>("--no-tls") { Description = "plain-text, unauthenticated silo and gateway ports (anything that connects may call any grain): for isolated tests only" };
        var gatewayIdleTimeout = new Option<TimeSpan>("--gateway-idle-timeout")
        {
            Description = "close a gateway (client) connection that sends nothing for this long, e.g. 00:05:00; Orleans clients send at least once a minute",
            DefaultValueFactory = _ => defaults.GatewayIdleTimeout,
        };
        var localNode = new Option<string>("--local-node") { Description = "node name of the agent on this host, whose certificate the embedded silo issues on first start", DefaultValueFactory = _ => defaults.LocalNode };
        var advertise = new Option<string>("--advertise") { Description = "IP address other silos and agents reach this silo on (cluster mode)", DefaultValueFactory = _ => defaults.Advertise };
        var logFormat = new Option<string>("--log-format") { Description = "console log format: simple, or json (one object per line, for log collectors)", DefaultValueFactory = _ => defaults.LogFormat };
        logFormat.AcceptOnlyFromAmong(ConsoleLogFormat.Names);
        var kubernetes = new Option<bool>("--kubernetes") { Description = "run as a Kubernetes pod: Orleans' Kubernetes hosting reads POD_NAME, POD_NAMESPACE, POD_IP and removes defunct silo pods (cluster mode)" };

        var root = new RootCommand("MicroSeg silo: Orleans silo, REST API (/api/v1), console (/) and Orleans dashboard (/dashboard).")
        {
            http, siloPort, gatewayPort, data, postgres, name, advertise, adminToken, openMetrics, oidcAuthority, oidcAudience,
            tlsDir, noTls, localNode, Security.Certificates.CertsCommand.Create(),
        };
        root.Options.Add(logFormat);
        root.Options.Add(kubernetes);
        root.Options.Add(gatewayIdleTimeout);
        root.SetAction((parse, cancellationToken) => SiloHost.RunAsync(new SiloCommandOptions
        {
            Http = parse.GetValue(http)!,
            SiloPort = parse.GetValue(siloPort),
            GatewayPort = parse.GetValue(gatewayPort),
            Data = parse.GetValue(data)!,
            Postgres = parse.GetValue(postgres),
            Name = parse.GetValue(name)!,
            Advertise = parse.GetValue(advertise)!,
            AdminTokenFile = parse.GetValue(adminToken),
            OpenMetrics = parse.GetValue(openMetrics),
            OidcAuthority = parse.GetValue(oidcAuthority),
            OidcAudience = parse.GetValue(oidcAudience),
            TlsDirectory = parse.GetValue(tlsDir),
            NoTls = parse.GetValue(noTls),
            LocalNode = parse.GetValue(localNode)!,
            LogFormat = parse.GetValue(logFormat)!,
            Kubernetes = parse.GetValue(kubernetes),
            GatewayIdleTimeout = parse.GetValue(gatewayIdleTimeout),
        }, cancellationToken));
        return root;
    }
}
