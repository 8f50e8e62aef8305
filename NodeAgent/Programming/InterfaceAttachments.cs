using System.Collections.Frozen;
using MicroSeg.Bpf;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.NodeAgent.Interfaces;
using Microsoft.Extensions.Logging;

namespace MicroSeg.NodeAgent.Programming;

/// <summary>
/// Brings the kernel's tc hooks to the endpoints of a pass and reports what the kernel holds. Every
/// decision reads the hooks back (<see cref="Datapath.IsAttached"/>): an interface that was deleted
/// and re-created, or whose filter someone removed, reads as unattached and is attached again, and
/// the state reported to the node grain is the kernel's, never a remembered flag.
/// </summary>
internal sealed partial class InterfaceAttachments(Datapath datapath, ILogger<InterfaceAttachments> logger)
{
    private volatile Watched _watched = new(FrozenSet<string>.Empty, FrozenSet<int>.Empty);
    private IReadOnlyDictionary<uint, string> _attached = new Dictionary<uint, string>();

    /// <summary>What a pass left attached, as read back.</summary>
    /// <param name="Attached">Names of the interfaces whose hooks hold our programs.</param>
    /// <param name="Unconfirmed">Interfaces attached to that the kernel does not show as ours, with why.</param>
    public sealed record Result(IReadOnlyList<string> Attached, IReadOnlyList<RefusedInterface> Unconfirmed);

    /// <summary>
    /// Attaches to every endpoint interface whose hooks lack our programs, then detaches from the
    /// interfaces that are no longer endpoints: those this agent attached to, and on a full pass those
    /// a previous agent left in the pinned endpoints map (<paramref name="pinnedEndpoints"/>).
    /// </summary>
    public Result Reconcile(DesiredMaps desired, IEnumerable<uint>? pinnedEndpoints, IReadOnlyDictionary<string, LinkInfo> links)
    {
        var attached = new List<string>();
        var unconfirmed = new List<RefusedInterface>();
        foreach (var (ifindex, name) in desired.InterfaceNames)
        {
            if (datapath.IsAttached((int)ifindex))
            {
                attached.Add(name);
                continue;
            }
            AttachOrLog(name, ifindex);
            if (datapath.IsAttached((int)ifindex))
            {
                LogAttached(name, (int)ifindex);
                attached.Add(name);
            }
            else
            {
                LogAttachNotConfirmed(name, (int)ifindex);
                unconfirmed.Add(new RefusedInterface(name, $"attached to ifindex {ifindex}, but its tc hooks do not hold the agent's programs (replaced by another program?)"));
            }
        }

        var byIndex = links.Values.ToDictionary(l => l.Index, l => l.Name);
        var stale = datapath.AttachedInterfaces.Concat((pinnedEndpoints ?? []).Select(i => (int)i))
            .Where(i => !desired.Endpoints.ContainsKey((uint)i))
            .Distinct()
            .ToList();
        foreach (var ifindex in stale)
        {
            datapath.Detach(ifindex);
            var name = byIndex.GetValueOrDefault(ifindex) ?? _attached.GetValueOrDefault((uint)ifindex);
            LogDetached(name ?? "(gone)", ifindex);
        }

        _attached = desired.InterfaceNames;
        _watched = new Watched(
            desired.PresentInterfaces.Concat(desired.MissingInterfaces).Concat(desired.RefusedInterfaces.Select(r => r.Interface)).ToFrozenSet(StringComparer.Ordinal),
            desired.InterfaceNames.Keys.Select(i => (int)i).ToFrozenSet());
        return new Result(attached, unconfirmed);
    }

    /// <summary>
    /// A failed attach fails the whole pass (it is retried, and the workload is reported unenforced); the pass's
    /// own error names the revision, so the interface is named here, as a field, before the failure goes up.
    /// </summary>
    private void AttachOrLog(string name, uint ifindex)
    {
        try
        {
            datapath.Attach((int)ifindex);
        }
        catch (BpfException e)
        {
            LogAttachFailed(name, (int)ifindex, e.Message);
            throw;
        }
    }

    /// <summary>Whether every interface of the last pass still holds our programs (read from the kernel); false when that cannot be read.</summary>
    public bool Intact()
    {
        try
        {
            return _attached.Keys.All(i => datapath.IsAttached((int)i));
        }
        catch (BpfException)
        {
            return false; // the pass that follows reports the failure
        }
    }

    /// <summary>
    /// Whether a change of <paramref name="link"/> can matter: a device some endpoint names (it may
    /// have appeared, been re-created or changed kind), or one the last pass attached to (it may be gone).
    /// Called from the link watcher's thread.
    /// </summary>
    public bool IsWatched(LinkInfo link)
    {
        var watched = _watched;
        return watched.Names.Contains(link.Name) || watched.IfIndexes.Contains(link.Index);
    }

    private sealed record Watched(FrozenSet<string> Names, FrozenSet<int> IfIndexes);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Attached to {Interface} (ifindex {Ifindex})")]
    private partial void LogAttached(string @interface, int ifindex);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Detached from {Interface} (ifindex {Ifindex}): no endpoint uses it any more")]
    private partial void LogDetached(string @interface, int ifindex);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Error, Message = "Could not attach to {Interface} (ifindex {Ifindex}): {Error}; the pass is retried")]
    private partial void LogAttachFailed(string @interface, int ifindex, string error);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Warning, Message = "Attached to {Interface} (ifindex {Ifindex}) but the kernel's tc hooks do not hold our programs; its workload is not enforced")]
    private partial void LogAttachNotConfirmed(string @interface, int ifindex);
}
