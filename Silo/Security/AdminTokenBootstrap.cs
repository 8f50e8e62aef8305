using MicroSeg.Api.Security;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Access;

namespace MicroSeg.Silo.Security;

/// <summary>
/// The cluster's first admin token, as Jupyter and Grafana make theirs: the secret lives in a file on the silo's
/// host readable by root only (default &lt;data dir&gt;/admin.token) and the cluster stores only its hash. The
/// file is authoritative: a silo that finds it registers its token (idempotently, so every silo of a cluster may
/// share one file); a silo that finds none creates a new secret, stores its hash, writes the file (mode 0600)
/// and prints the secret once. Deleting the file and restarting a silo thus replaces a lost admin token.
/// </summary>
internal sealed partial class AdminTokenBootstrap(
    AdminTokenFile file, IGrainFactory grains, TimeProvider time, ILogger<AdminTokenBootstrap> logger) : IHostedService
{
    /// <summary>The bootstrap token's name.</summary>
    public const string TokenName = "admin";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var secret = file.Read();
        var created = secret is null;
        secret ??= ApiTokenSecret.Generate();
        var token = new ApiToken(TokenName, ApiRole.Admin, time.GetUtcNow(), "bootstrap");
        await grains.GetGrain<IApiTokenGrain>(GrainKeys.Cluster).PutBootstrapAsync(token, ApiTokenSecret.Hash(secret)).WaitAsync(cancellationToken);
        if (!created)
        {
            LogRegistered(logger, file.Path);
            return;
        }
        file.Write(secret);
        LogCreated(logger, secret, file.Path, file.ConsoleUrl(secret));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "Admin API token read from {Path}")]
    private static partial void LogRegistered(ILogger logger, string path);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Warning,
        Message = "Admin API token created (shown once; also in {Path}, readable by root only): {Secret}  Console, signed in: {Url}")]
    private static partial void LogCreated(ILogger logger, string secret, string path, string url);
}
