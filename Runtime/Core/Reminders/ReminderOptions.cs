using Microsoft.Extensions.Options;

namespace MicroSeg.Runtime.Hosting;

/// <summary>The reminder service (Orleans <c>ReminderOptions</c>). Section "MicroSeg:Reminders".</summary>
public sealed class ReminderOptions
{
    /// <summary>Shortest period a reminder may have. Default 1 minute (reminders are for long periods; use grain timers for short ones).</summary>
    public TimeSpan MinimumPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the silo rereads the reminder table (also done at start and when membership changes). Default 10 s.</summary>
    public TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Options of a SQLite reminder table.</summary>
public sealed class SqliteReminderOptions
{
    /// <summary>Path of the database file (may be the grain storage file). Required.</summary>
    public string DatabasePath { get; set; } = "";

    /// <summary>How long an operation waits for a lock held by another connection. Default 5 s.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Options of a PostgreSQL reminder table.</summary>
public sealed class PostgresReminderOptions
{
    /// <summary>Npgsql connection string; the schema (deploy/sql) is created if missing. Required.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Scope of the reminders in a shared database; null (default) uses the cluster id of UsePostgresClustering, else "microseg".</summary>
    public string? ClusterId { get; set; }
}

internal sealed class ReminderOptionsValidator : IValidateOptions<ReminderOptions>
{
    public ValidateOptionsResult Validate(string? name, ReminderOptions options) => OptionErrors.Result(
        OptionErrors.Positive(options.MinimumPeriod, "ReminderOptions.MinimumPeriod"),
        OptionErrors.Positive(options.RefreshPeriod, "ReminderOptions.RefreshPeriod"));
}
