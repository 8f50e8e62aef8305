namespace MicroSeg.Runtime.Hosting;

/// <summary>Options of a SQLite grain storage provider.</summary>
public sealed class SqliteGrainStorageOptions
{
    /// <summary>Path of the database file, e.g. <c>&lt;data dir&gt;/microseg.db</c>; the directory and schema are created if missing. Required.</summary>
    public string DatabasePath { get; set; } = "";

    /// <summary>How long an operation waits for a lock held by another connection. Default 5 s.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
