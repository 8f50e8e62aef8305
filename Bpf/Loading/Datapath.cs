using System.Runtime.InteropServices;
using MicroSeg.Bpf.Interop;
using MicroSeg.Bpf.Loading;

namespace MicroSeg.Bpf;

/// <summary>
/// The loaded data plane of one node: the BPF object, its pinned maps and its TC
/// attachments. Disposing closes fds only: pinned maps and attached filters stay, so
/// enforcement continues while the agent restarts.
/// </summary>
public sealed partial class Datapath : IDisposable
{
    internal const string FromWorkloadProgram = "ms_from_workload";
    internal const string ToWorkloadProgram = "ms_to_workload";

    /// <summary>Every map of the object; all are pinned under the pin directory.</summary>
    internal static readonly string[] MapNames =
        ["ms_abi", "ms_ipcache", "ms_ipcache_hosts", "ms_endpoints", "ms_source_addrs", "ms_policy", "ms_policy_ranges", "ms_conntrack4", "ms_conntrack6", "ms_fragments", "ms_events", "ms_stats", "ms_would_deny", "ms_control_plane", "ms_config"];

    /// <summary>Maps of earlier data-plane ABI versions (ms_conntrack: one map for both families until version 5), removed by uninstall too.</summary>
    internal static readonly string[] RetiredMapNames = ["ms_conntrack"];

    private readonly Dictionary<string, int> _mapFds;
    private nint _object;

    /// <summary>Read-only data section holding <c>ms_ct_timeouts</c>, written before load.</summary>
    private const string ConntrackTimeoutsSection = ".rodata.ct";

    /// <summary>Read-only data section holding <c>ms_event_limit</c>, written before load.</summary>
    private const string EventLimitSection = ".rodata.ev";
    private const string EventsMap = "ms_events";

    private Datapath(nint obj, string pinDirectory, Dictionary<string, int> mapFds, int fromFd, int toFd, ConntrackTimeouts timeouts)
    {
        _object = obj;
        ConntrackTimeouts = timeouts;
        PinDirectory = pinDirectory;
        _mapFds = mapFds;
        FromWorkloadFd = fromFd;
        ToWorkloadFd = toFd;
        Endpoints = new BpfMap<uint, EndpointValue>("ms_endpoints", mapFds["ms_endpoints"]);
        IpCache = new BpfMap<IpCacheKey, IpCacheValue>("ms_ipcache", mapFds["ms_ipcache"]);
        IpCacheHosts = new BpfMap<IpCacheKey, IpCacheValue>("ms_ipcache_hosts", mapFds["ms_ipcache_hosts"]);
        SourceAddresses = new BpfMap<SourceAddressKey, SourceAddressValue>("ms_source_addrs", mapFds["ms_source_addrs"]);
        Policy = new BpfMap<PolicyKey, PolicyValue>("ms_policy", mapFds["ms_policy"]);
        PolicyRanges = new BpfMap<PolicyRangeKey, PolicyValue>("ms_policy_ranges", mapFds["ms_policy_ranges"]);
        Conntrack = new ConntrackTable(
            new BpfMap<Conntrack4Key, ConntrackValue>("ms_conntrack4", mapFds["ms_conntrack4"]),
            new BpfMap<ConntrackKey, ConntrackValue>("ms_conntrack6", mapFds["ms_conntrack6"]));
        Config = new BpfMap<uint, ConfigValue>("ms_config", mapFds["ms_config"]);
        ControlPlane = new BpfMap<uint, ControlPlaneRecord>("ms_control_plane", mapFds["ms_control_plane"]);
    }

    public string PinDirectory { get; }

    /// <summary>ms_endpoints: host-side ifindex → endpoint identity, mode, isolation.</summary>
    public BpfMap<uint, EndpointValue> Endpoints { get; }

    /// <summary>
    /// ms_ipcache: address block → identity (longest prefix wins), consulted when
    /// <see cref="IpCacheHosts"/> has no entry for the address. Put single addresses there instead
    /// (<see cref="IpCacheFor"/>): one hash probe, where the trie walks a node per bit.
    /// </summary>
    public BpfMap<IpCacheKey, IpCacheValue> IpCache { get; }

    /// <summary>ms_ipcache_hosts: single address (/32, /128) → identity; a hit here is final.</summary>
    public BpfMap<IpCacheKey, IpCacheValue> IpCacheHosts { get; }

    /// <summary>The map an ipcache entry belongs in: <see cref="IpCacheHosts"/> for a single address, else <see cref="IpCache"/>.</summary>
    public BpfMap<IpCacheKey, IpCacheValue> IpCacheFor(in IpCacheKey key) => key.IsHost ? IpCacheHosts : IpCache;

    /// <summary>
    /// ms_source_addrs: (host-side ifindex, address) → the workload's own addresses. Anti-spoofing:
    /// in protect mode a packet from a workload whose source is not here is dropped (monitor:
    /// reported), unless its endpoint has <see cref="EndpointFlags.NoSourceCheck"/>.
    /// Write a workload's addresses before its endpoint entry.
    /// </summary>
    public BpfMap<SourceAddressKey, SourceAddressValue> SourceAddresses { get; }

    /// <summary>ms_policy: (ifindex, remote identity, port, protocol, direction) → action.</summary>
    public BpfMap<PolicyKey, PolicyValue> Policy { get; }

    /// <summary>
    /// ms_policy_ranges: port-range rules as aligned port blocks (see <see cref="Bpf.PolicyRanges.Encode"/>),
    /// consulted only for endpoints flagged <see cref="EndpointFlags.IngressRanges"/> / <see cref="EndpointFlags.EgressRanges"/>.
    /// </summary>
    public BpfMap<PolicyRangeKey, PolicyValue> PolicyRanges { get; }

    /// <summary>ms_conntrack4 and ms_conntrack6: live flows, one map per family.</summary>
    public ConntrackTable Conntrack { get; }

    /// <summary>The conntrack timeouts the loaded programs use (see <see cref="ConntrackCollector"/>).</summary>
    public ConntrackTimeouts ConntrackTimeouts { get; }

    internal BpfMap<uint, ConfigValue> Config { get; }

    /// <summary>ms_control_plane: entry 0 records which control plane the maps were last programmed from.</summary>
    public BpfMap<uint, ControlPlaneRecord> ControlPlane { get; }

    internal int FromWorkloadFd { get; }

    internal int ToWorkloadFd { get; }

    /// <summary>
    /// Mounts bpffs if needed, creates the pin directory, opens the object, points every
    /// map at its pin path (reusing existing pins), sizes both conntrack maps and the event ring (by the CPU count;
    /// a ring pinned at another size is replaced) and loads.
    /// </summary>
    public static Datapath Load(DatapathOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!File.Exists(options.ObjectPath))
            throw new FileNotFoundException($"BPF object {options.ObjectPath} not found (run 'make bpf').", options.ObjectPath);
        if (options.ConntrackMaxEntries == 0)
            throw new ArgumentOutOfRangeException(nameof(options), "ConntrackMaxEntries must be > 0.");
        if (options.ConntrackIPv6MaxEntries == 0)
            throw new ArgumentOutOfRangeException(nameof(options), "ConntrackIPv6MaxEntries must be > 0 (or null, the size of ConntrackMaxEntries).");

        LibBpfLog.EnsureInstalled();
        BpfFileSystem.EnsureMounted();
        Directory.CreateDirectory(options.PinDirectory);
        if (!BpfFileSystem.IsBpfFs(options.PinDirectory))
            throw new ArgumentException($"PinDirectory {options.PinDirectory} is not on a bpf filesystem.", nameof(options));

        var obj = LibBpf.ObjectOpenFile(options.ObjectPath, 0);
        if (obj == 0)
            throw new BpfException("bpf_object__open_file", Marshal.GetLastPInvokeError(), options.ObjectPath);

        try
        {
            foreach (var name in MapNames)
            {
                var map = FindMap(obj, name, options.ObjectPath);
                var pinPath = Path.Combine(options.PinDirectory, name);
                Check(LibBpf.MapSetPinPath(map, pinPath), "bpf_map__set_pin_path", pinPath);
            }
            // Each family's map has its own size: an IPv4 flow never takes room an IPv6 one needs, nor the reverse.
            foreach (var (conntrack, size) in (ReadOnlySpan<(string, uint)>)[
                         ("ms_conntrack4", options.ConntrackMaxEntries), ("ms_conntrack6", options.ConntrackIPv6MaxEntries ?? options.ConntrackMaxEntries)])
                Check(LibBpf.MapSetMaxEntries(FindMap(obj, conntrack, options.ObjectPath), size), "bpf_map__set_max_entries", $"map {conntrack}");
            if (options.FlowReportInterval < TimeSpan.Zero)
                throw new ArgumentOutOfRangeException(nameof(options), options.FlowReportInterval, "FlowReportInterval must not be negative (zero: no flow reports).");
            SetConntrackTimeouts(obj, options);
            var cpus = LibBpf.NumPossibleCpus();
            if (cpus <= 0)
                throw new BpfException("libbpf_num_possible_cpus", cpus, "event ring and wakeups");
            var events = FindMap(obj, EventsMap, options.ObjectPath);
            Check(LibBpf.MapSetMaxEntries(events, EventWakeup.RingBytes(cpus)), "bpf_map__set_max_entries", $"map {EventsMap}");
            SetEventRateLimit(obj, options, cpus);
            PinnedMaps.Verify(options.PinDirectory, MapNames.ToDictionary(n => n, n => FindMap(obj, n, options.ObjectPath)));
            // Unread events are all a ring holds: one pinned at another size (another CPU count, or an agent from
            // before the ring was sized by CPUs) is replaced rather than refused with the node's state.
            PinnedMaps.ReplaceResizedRing(Path.Combine(options.PinDirectory, EventsMap), events);
            Check(LibBpf.ObjectLoad(obj), "bpf_object__load",
                $"{options.ObjectPath} (pins in {options.PinDirectory}; a pinned map with another shape cannot be reused)");

            var fds = MapNames.ToDictionary(n => n, n => LibBpf.MapFd(FindMap(obj, n, options.ObjectPath)));
            var datapath = new Datapath(obj, options.PinDirectory, fds,
                ProgramFd(obj, FromWorkloadProgram, options.ObjectPath), ProgramFd(obj, ToWorkloadProgram, options.ObjectPath),
                options.ConntrackTimeouts);
            datapath.SetFlowReportInterval(options.FlowReportInterval);
            return datapath;
        }
        catch
        {
            LibBpf.ObjectClose(obj);
            throw;
        }
    }

    /// <summary>Writes the policy revision that events report.</summary>
    public void SetPolicyRevision(ulong revision)
    {
        Config.TryLookup(0, out var config);
        config.PolicyRevision = revision;
        Config.Update(0, config);
    }

    /// <summary>Writes the flow report interval to ms_config (pinned: the last load's setting holds until the next).</summary>
    private void SetFlowReportInterval(TimeSpan interval)
    {
        Config.TryLookup(0, out var config);
        config.ReportIntervalNs = (ulong)interval.Ticks * 100;
        Config.Update(0, config);
    }

    /// <summary>The policy revision currently in ms_config.</summary>
    public ulong PolicyRevision => Config.TryLookup(0, out var config) ? config.PolicyRevision : 0;

    /// <summary>Opens a reader of ms_events. Dispose it before the datapath.</summary>
    public FlowEventReader OpenEvents() => new(_mapFds[EventsMap]);

    /// <summary>Sums the per-CPU counters of ms_stats.</summary>
    public DatapathCounters ReadCounters() => DatapathCounters.Read(_mapFds["ms_stats"]);

    /// <summary>Sums the per-CPU counters of ms_would_deny: packets passed only because of monitor mode.</summary>
    public IReadOnlyDictionary<WouldDenyKey, ulong> ReadWouldDeny() => PerCpuCounters.Read<WouldDenyKey>(_mapFds["ms_would_deny"], "ms_would_deny");

    /// <summary>Closes the object's fds. Does not detach and never unpins.</summary>
    public void Dispose()
    {
        var obj = Interlocked.Exchange(ref _object, 0);
        if (obj != 0)
            LibBpf.ObjectClose(obj);
    }

    private static unsafe void SetConntrackTimeouts(nint obj, DatapathOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.ConntrackTimeouts);
        var value = options.ConntrackTimeouts.ToValue();
        nuint size;
        var data = LibBpf.MapInitialValue(FindMap(obj, ConntrackTimeoutsSection, options.ObjectPath), &size);
        if (data is null || size < (nuint)sizeof(ConntrackTimeoutsValue))
            throw new BpfException("bpf_map__initial_value", Errno.EINVAL, $"section {ConntrackTimeoutsSection} in {options.ObjectPath}");
        *(ConntrackTimeoutsValue*)data = value;
    }

    private static unsafe void SetEventRateLimit(nint obj, DatapathOptions options, int cpus)
    {
        ArgumentNullException.ThrowIfNull(options.EventRateLimit);
        var value = options.EventRateLimit.ToValue();
        value.WakeupEvery = EventWakeup.Every(LibBpf.MapMaxEntries(FindMap(obj, EventsMap, options.ObjectPath)), cpus);
        nuint size;
        var data = LibBpf.MapInitialValue(FindMap(obj, EventLimitSection, options.ObjectPath), &size);
        if (data is null || size < (nuint)sizeof(EventRateLimitValue))
            throw new BpfException("bpf_map__initial_value", Errno.EINVAL, $"section {EventLimitSection} in {options.ObjectPath}");
        *(EventRateLimitValue*)data = value;
    }

    private static nint FindMap(nint obj, string name, string objectPath)
    {
        var map = LibBpf.ObjectFindMapByName(obj, name);
        if (map == 0)
            throw new BpfException("bpf_object__find_map_by_name", Errno.ENOENT, $"map {name} in {objectPath}");
        return map;
    }

    private static int ProgramFd(nint obj, string name, string objectPath)
    {
        var prog = LibBpf.ObjectFindProgramByName(obj, name);
        if (prog == 0)
            throw new BpfException("bpf_object__find_program_by_name", Errno.ENOENT, $"program {name} in {objectPath}");
        var fd = LibBpf.ProgramFd(prog);
        Check(fd, "bpf_program__fd", $"program {name}");
        return fd;
    }

    private static void Check(int rc, string operation, string target)
    {
        if (rc < 0)
            throw new BpfException(operation, rc, target);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_object == 0, this);
}
