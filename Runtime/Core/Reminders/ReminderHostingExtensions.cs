using MicroSeg.Runtime.Postgres;
using MicroSeg.Runtime.Reminders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MicroSeg.Runtime.Hosting;

/// <summary>Durable reminders (Orleans <c>UseInMemoryReminderService</c> / <c>UseAdoNetReminderService</c>).</summary>
public static class ReminderHostingExtensions
{
    /// <summary>Keeps reminders in this silo's memory (tests): lost on restart.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder UseInMemoryReminderService(this ISiloBuilder builder) => AddReminders(builder, _ => new MemoryReminderTable());

    /// <summary>Keeps reminders in a SQLite file (embedded single silo).</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Sets the database path.</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder UseSqliteReminderService(this ISiloBuilder builder, Action<SqliteReminderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new SqliteReminderOptions();
        configure(options);
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
            throw new ArgumentException("SqliteReminderOptions.DatabasePath is empty; set it to e.g. <data dir>/microseg.db.", nameof(configure));
        if (options.BusyTimeout <= TimeSpan.Zero)
            throw new ArgumentException("SqliteReminderOptions.BusyTimeout must be positive.", nameof(configure));
        return AddReminders(builder, _ => new SqliteReminderTable(options));
    }

    /// <summary>Keeps reminders in PostgreSQL (cluster), scoped by cluster id.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Sets the connection string.</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder UsePostgresReminderService(this ISiloBuilder builder, Action<PostgresReminderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PostgresReminderOptions();
        configure(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            throw new ArgumentException("PostgresReminderOptions.ConnectionString is empty; set it to e.g. Host=…;Database=microseg.", nameof(configure));
        builder.Services.TryAddSingleton<PostgresDatabases>();
        return AddReminders(builder, sp =>
        {
            var cluster = options.ClusterId ?? sp.GetService<IOptions<PostgresClusteringOptions>>()?.Value.ClusterId ?? "microseg";
            return new PostgresReminderTable(sp.GetRequiredService<PostgresDatabases>().Get(options.ConnectionString), cluster);
        });
    }

    /// <summary>Changes the reminder service's options (minimum period, refresh period).</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder ConfigureReminders(this ISiloBuilder builder, Action<ReminderOptions> configure)
    {
        builder.Services.Configure(configure);
        return builder;
    }

    private static ISiloBuilder AddReminders(ISiloBuilder builder, Func<IServiceProvider, IReminderTable> table)
    {
        var services = builder.Services;
        if (services.Any(s => s.ServiceType == typeof(IReminderTable)))
            throw new InvalidOperationException("A reminder service is already configured; call one Use…ReminderService.");
        services.AddSingleton(table);
        services.AddOptions<ReminderOptions>().BindConfiguration("MicroSeg:Reminders").ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReminderOptions>, ReminderOptionsValidator>());
        services.AddSingleton<ReminderService>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ReminderService>());
        return builder;
    }
}
