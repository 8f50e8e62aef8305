using System.Security.Cryptography;
using MicroSeg.Bpf;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.NodeAgent.Programming;
using MicroSeg.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace MicroSeg.NodeAgent.Tests.Programming;

/// <summary>
/// The guard's decisions against its real pinned record (ms_control_plane): which offers it holds and which
/// it lets through. The end-to-end test covers a changed cluster identity; this covers every rule. Loads the
/// BPF object, so it runs as root; a machine that cannot load it fails the test.
/// </summary>
public sealed class ControlPlaneGuardTests : IDisposable
{
    private static readonly string Cluster = Guid.NewGuid().ToString("D");
    private static readonly string Epoch = Guid.NewGuid().ToString("N");
    private readonly string _pins = $"/sys/fs/bpf/microseg/test-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
    private readonly Datapath _datapath;
    private readonly ControlPlaneGuard _guard;

    public ControlPlaneGuardTests()
    {
        _datapath = Datapath.Load(new DatapathOptions { ObjectPath = RepoLayout.BpfObjectPath, PinDirectory = _pins, ConntrackMaxEntries = 4096 });
        _guard = new ControlPlaneGuard(_datapath, TimeProvider.System, NullLogger<ControlPlaneGuard>.Instance);
    }

    [Fact]
    public void FreshNode_AppliesWhateverComes()
    {
        Assert.Null(_guard.Check(Rules(Cluster, Epoch, entries: 0)));
    }

    [Fact]
    public void SameEpoch_OrdinaryDeletions_Apply_EvenDownToNothing()
    {
        _guard.Applied(Rules(Cluster, Epoch, entries: 10));
        Assert.Null(_guard.Check(Rules(Cluster, Epoch, entries: 0)));
    }

    [Fact]
    public void NewEpoch_RemovingMoreThanHalf_Holds_HalfOrLessApplies()
    {
        _guard.Applied(Rules(Cluster, Epoch, entries: 10));
        var newEpoch = Guid.NewGuid().ToString("N");

        var hold = _guard.Check(Rules(Cluster, newEpoch, entries: 4));
        Assert.NotNull(hold);
        Assert.Equal(ControlPlaneHold.StateShrank, hold.Reason);
        Assert.Equal(10, hold.AppliedEntries);
        Assert.Equal(4, hold.OfferedEntries);
        Assert.Same(hold, _guard.Current);

        Assert.Null(_guard.Check(Rules(Cluster, newEpoch, entries: 5)));
        Assert.Null(_guard.Current);
    }

    [Fact]
    public void OtherClusterIdentity_Holds_WhateverItOffers_UntilThatExactHoldIsAccepted()
    {
        _guard.Applied(Rules(Cluster, Epoch, entries: 10));
        var other = Guid.NewGuid().ToString("D");

        var hold = _guard.Check(Rules(other, Epoch, entries: 10));
        Assert.NotNull(hold);
        Assert.Equal(ControlPlaneHold.ClusterIdentityChanged, hold.Reason);
        Assert.Equal(Cluster, hold.AppliedClusterIdentity);
        Assert.Equal(other, hold.OfferedClusterIdentity);
        // The same condition is the same hold (its start time is kept).
        Assert.Same(hold, _guard.Check(Rules(other, Epoch, entries: 10)));

        Assert.NotNull(_guard.Check(Rules(other, Epoch, entries: 10) with { AcceptedHold = "some-other-hold" }));
        Assert.Null(_guard.Check(Rules(other, Epoch, entries: 10) with { AcceptedHold = hold.Id }));
    }

    [Fact]
    public void RecordSurvivesAReload_OfThePinnedMaps()
    {
        _guard.Applied(Rules(Cluster, Epoch, entries: 10));
        using var reloaded = Datapath.Load(new DatapathOptions { ObjectPath = RepoLayout.BpfObjectPath, PinDirectory = _pins, ConntrackMaxEntries = 4096 });
        var guard = new ControlPlaneGuard(reloaded, TimeProvider.System, NullLogger<ControlPlaneGuard>.Instance);
        Assert.Equal(ControlPlaneHold.ClusterIdentityChanged, guard.Check(Rules(Guid.NewGuid().ToString("D"), Epoch, entries: 0))?.Reason);
    }

    /// <summary>A node state with <paramref name="entries"/> endpoints plus policy entries (one endpoint, the rest policy).</summary>
    private static NodeRules Rules(string cluster, string epoch, int entries)
    {
        var endpoints = entries == 0 ? [] : new[] { new EndpointRule("w1", "veth-w1", 300, MicroSeg.Grains.Interfaces.Workloads.EnforcementMode.Protect, true, false, ["198.18.9.1"]) };
        var policy = Enumerable.Range(0, Math.Max(0, entries - 1))
            .Select(i => new PolicyEntry("w1", MicroSeg.Grains.Interfaces.Nodes.TrafficDirection.Ingress, 301, 6, (ushort)(1000 + i), MicroSeg.Grains.Interfaces.Policies.PolicyAction.Allow, 1, "p/ingress/0"))
            .ToList();
        return new NodeRules("n1", epoch, 1, endpoints, [], policy, cluster);
    }

    public void Dispose()
    {
        _datapath.Dispose();
        if (Directory.Exists(_pins))
            Directory.Delete(_pins, recursive: true);
    }
}
