using System.Data.Common;
using MicroSeg.Grains.Interfaces.Flows;

namespace MicroSeg.Silo.Flows;

/// <summary>
/// The flow-history SQL both stores share (SQLite and PostgreSQL accept the same text): columns, the filtered
/// query and the row reader. Times are stored as microseconds since the Unix epoch (UTC).
/// </summary>
internal static class FlowHistorySql
{
    public const string Columns =
        "first_seen, last_seen, node, src_workload, src_namespace, src_address, dst_workload, dst_namespace, dst_address, dst_port, " +
        "protocol, verdict, policy, reason, connections, packets, bytes";

    public static long Micros(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset Time(long micros) => new(DateTimeOffset.UnixEpoch.UtcTicks + micros * 10, TimeSpan.Zero);

    /// <summary>The 17 values of <see cref="Columns"/>, in order.</summary>
    public static object[] Values(FlowRecord r) =>
    [
        Micros(r.FirstSeen), Micros(r.LastSeen), r.Node, Db(r.Src.Workload), Db(r.Src.Namespace), r.Src.Address,
        Db(r.Dst.Workload), Db(r.Dst.Namespace), r.Dst.Address, r.Dst.Port ?? 0, r.Protocol, r.Verdict, Db(r.Policy), r.Reason,
        r.Connections, r.Packets, r.Bytes,
    ];

    /// <summary>Fills <paramref name="command"/> with the query of <paramref name="query"/> on <paramref name="table"/>.</summary>
    public static void Query(DbCommand command, string table, FlowQuery query)
    {
        var where = new List<string>();
        void Add(string clause, string name, object value)
        {
            where.Add(clause);
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }
        if (query.Src is { } src)
            Add("src_workload = @src", "src", src);
        if (query.Dst is { } dst)
            Add("dst_workload = @dst", "dst", dst);
        if (query.Namespace is { } ns)
            Add("(src_namespace = @ns OR dst_namespace = @ns)", "ns", ns);
        if (query.Verdict is { } verdict)
            Add("verdict = @verdict", "verdict", verdict);
        if (query.Policy is { } policy)
            Add("policy = @policy", "policy", policy);
        if (query.Since is { } since)
            Add("last_seen >= @since", "since", Micros(since));
        if (query.Until is { } until)
            Add("first_seen < @until", "until", Micros(until));
        if (query.Before is { } before)
            Add("id < @before", "before", before);
        if (query.After is { } after)
            Add("id > @after", "after", after);
        var limit = command.CreateParameter();
        limit.ParameterName = "limit";
        // One more than asked: whether it comes tells if there is a next page.
        limit.Value = Math.Clamp(query.Limit, 1, FlowQuery.MaxLimit) + 1;
        command.Parameters.Add(limit);
        var order = query.After is null ? "DESC" : "ASC";
        command.CommandText = $"SELECT id, {Columns} FROM {table}" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") +
            $" ORDER BY id {order} LIMIT @limit";
    }

    /// <summary>Reads the rows of <see cref="Query"/> into a page.</summary>
    public static async Task<FlowPage> ReadPageAsync(DbCommand command, FlowQuery query, CancellationToken cancellationToken)
    {
        var limit = Math.Clamp(query.Limit, 1, FlowQuery.MaxLimit);
        var items = new List<FlowRecord>(Math.Min(limit + 1, 128));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            items.Add(Read(reader));
        if (items.Count <= limit)
            return new FlowPage(items, null);
        items.RemoveAt(items.Count - 1);
        return new FlowPage(items, items[^1].Id);
    }

    private static FlowRecord Read(DbDataReader r)
    {
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        var port = r.GetInt32(10);
        return new FlowRecord(r.GetInt64(0), Time(r.GetInt64(1)), Time(r.GetInt64(2)), r.GetString(3),
            new FlowEndpoint(Text(4), Text(5), r.GetString(6)),
            new FlowEndpoint(Text(7), Text(8), r.GetString(9), port),
            r.GetString(11), r.GetString(12), Text(13), r.GetString(14), r.GetInt64(15), r.GetInt64(16), r.GetInt64(17));
    }

    private static object Db(string? value) => (object?)value ?? DBNull.Value;
}
