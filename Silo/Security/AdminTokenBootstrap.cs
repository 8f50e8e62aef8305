using MicroSeg.Api.Security;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Access;

namespace MicroSeg.Silo.Security;

/// <summary>
/// The cluster's first admin token, as Jupyter and Grafana make theirs: the secret lives in a file on the silo's
/// host readable by root only (default &lt;data dir&gt;/admin.token) and the cluster stores only its hash. The
/// file is authoritative: a silo that finds it registers its token (idempotently, so every silo of a cluster may
/// share one file); a silo that finds none creates a new secret, stores its hash, writes the file (mode 0600)
/// and prints the secret once. In embedded mode, deleting the file and restarting thus replaces a lost admin
/// token; a cluster silo without the file creates one only if the cluster has none.
/// </summary>
internal sealed partial class AdminTokenBootstrap(
    AdminTokenFile file, IGrainFactory grains, TimeProvider time, ILogger<AdminTokenBootstrap> logger) : IHostedService
{
    /// <summary>The bootstrap token's name.</summary>
    public const string TokenName = "admin";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var registry = grains.GetGrain<IApiTokenGrain>(GrainKeys.Cluster);
        var token = new ApiToken(TokenName, ApiRole.Admin, time.GetUtcNow(), "bootstrap");
        if (file.Read() is { } existing)
        {
            await registry.PutBootstrapAsync(token, ApiTokenSecret.Hash(existing)).WaitAsync(cancellationToken);
            LogRegistered(logger, file.Path);
            return;
        }
        var secret = ApiTokenSecret.Generate();
        if (file.ReplacesLostToken)
        {
            await registry.PutBootstrapAsync(token, ApiTokenSecret.Hash(secret)).WaitAsync(cancellationToken);
        }
        else if (!await registry.CreateAsync(token, ApiTokenSecret.Hash(secret)).WaitAsync(cancellationToken))
        {
            // Another silo of the cluster made the admin token: replacing it would lock out everyone holding its file.
            LogClusterHasToken(logger, file.Path);
            return;
        }
        file.Write(secret);
        LogCreated(logger, secret, file.Path, file.ConsoleUrl(secret));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "Admin API token read from {Path}")]
    private static partial void LogRegistered(ILogger logger, string path);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Warning, Message = "No admin token file at {Path}, and the cluster already has an admin token: copy the file from the silo that created it")]
    private static partial void LogClusterHasToken(ILogger logger, string path);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Warning,
        Message = "Admin API token created (shown once; also in {Path}, readable by root only): {Secret}  Console, signed in: {Url}")]
    private static partial void LogCreated(ILogger logger, string secret, string path, string url);
}
