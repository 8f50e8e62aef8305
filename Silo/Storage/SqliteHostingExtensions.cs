using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace MicroSeg.Silo.Storage;

/// <summary>Registers the SQLite grain storage and reminder table on a silo.</summary>
public static class SqliteHostingExtensions
{
    // The reminder table's options live under their own name so they never mix with a storage provider's.
    private const string ReminderOptionsName = "MicroSeg.SqliteReminders";

    /// <summary>
    /// Adds SQLite grain storage named <paramref name="name"/>, the name grains give in
    /// <c>[PersistentState(stateName, storageName)]</c> or <c>[StorageProvider(ProviderName = ...)]</c>.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="name">The provider's name.</param>
    /// <param name="configureOptions">Sets at least <see cref="SqliteStorageOptions.DatabasePath"/>.</param>
    /// <returns>The same builder.</returns>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, Action<SqliteStorageOptions> configureOptions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configureOptions);
        return builder.ConfigureServices(services =>
        {
            services.AddOptions<SqliteStorageOptions>(name).Configure(configureOptions);
            // Fills GrainStorageSerializer, when left unset, with the serializer keyed by this name or the silo's default.
            services.TryAddEnumerable(ServiceDescriptor.Transient<IPostConfigureOptions<SqliteStorageOptions>, DefaultStorageProviderSerializerOptionsConfigurator<SqliteStorageOptions>>());
            services.ConfigureNamedOptionForLogging<SqliteStorageOptions>(name);
            services.AddTransient<IConfigurationValidator>(sp =>
                new SqliteStorageOptionsValidator(sp.GetRequiredService<IOptionsMonitor<SqliteStorageOptions>>().Get(name), name));
            // Keyed IGrainStorage by name, plus the silo lifecycle hook since the storage is a participant.
            services.AddGrainStorage(name, static (sp, key) => ActivatorUtilities.CreateInstance<SqliteGrainStorage>(
                sp, key, sp.GetRequiredService<IOptionsMonitor<SqliteStorageOptions>>().Get(key)));
        });
    }

    /// <summary>
    /// Adds SQLite grain storage as the default provider, used by grains that name no storage.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configureOptions">Sets at least <see cref="SqliteStorageOptions.DatabasePath"/>.</param>
    /// <returns>The same builder.</returns>
    public static ISiloBuilder AddSqliteGrainStorageAsDefault(this ISiloBuilder builder, Action<SqliteStorageOptions> configureOptions) =>
        builder.AddSqliteGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configureOptions);

    /// <summary>
    /// Enables reminders on the silo and keeps them in SQLite. It may share the database file with grain storage.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configureOptions">Sets at least <see cref="SqliteStorageOptions.DatabasePath"/>.</param>
    /// <returns>The same builder.</returns>
    public static ISiloBuilder UseSqliteReminderService(this ISiloBuilder builder, Action<SqliteStorageOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(configureOptions);
        builder.AddReminders();
        return builder.ConfigureServices(services =>
        {
            services.AddOptions<SqliteStorageOptions>(ReminderOptionsName).Configure(configureOptions);
            services.ConfigureNamedOptionForLogging<SqliteStorageOptions>(ReminderOptionsName);
            services.AddTransient<IConfigurationValidator>(sp =>
                new SqliteStorageOptionsValidator(sp.GetRequiredService<IOptionsMonitor<SqliteStorageOptions>>().Get(ReminderOptionsName), "reminders"));
            // Orleans' reminder service starts and stops the table itself (IReminderTable.StartAsync/StopAsync).
            services.AddSingleton<IReminderTable>(sp => ActivatorUtilities.CreateInstance<SqliteReminderTable>(
                sp, sp.GetRequiredService<IOptionsMonitor<SqliteStorageOptions>>().Get(ReminderOptionsName)));
        });
    }
}
