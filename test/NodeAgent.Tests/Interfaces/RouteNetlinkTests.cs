using System.Diagnostics;
using System.Net.Sockets;
using MicroSeg.NodeAgent.Interfaces;
using MicroSeg.Testing;

namespace MicroSeg.NodeAgent.Tests.Interfaces;

/// <summary>The agent's rtnetlink reader and watcher against real devices in the test's own network.</summary>
public sealed class RouteNetlinkTests
{
    [Fact]
    public void ListLinks_TestNetwork_NamesIndexesAndKinds()
    {
        using var network = TestNetwork.Create();
        var pod = network.AddPod("a", "198.18.0.1/24");

        var links = RouteNetlink.ListLinks();

        Assert.Equal(new LinkInfo(pod.HostIfIndex, pod.HostInterface, "veth"), links[pod.HostInterface]);
        Assert.Equal("bridge", links[network.Bridge].Kind);
        Assert.Null(links["lo"].Kind);
    }

    [Fact]
    public async Task Watch_VethDeletedAndRecreated_BothChangesArriveWithinASecond()
    {
        using var network = TestNetwork.Create();
        var pod = network.AddPod("a", "198.18.0.1/24");
        using var socket = RouteNetlink.Open(RouteNetlink.LinkGroup);
        var oldIndex = pod.HostIfIndex;

        var watch = Stopwatch.StartNew();
        network.DeleteVeth(pod);
        await WaitForAsync(socket, deleted: true, pod.HostInterface, oldIndex);
        network.RecreateVeth(pod);
        await WaitForAsync(socket, deleted: false, pod.HostInterface, pod.HostIfIndex);

        Assert.NotEqual(oldIndex, pod.HostIfIndex);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed} including ip(8) runs");
    }

    private static async Task WaitForAsync(Socket socket, bool deleted, string name, int index)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var buffer = new byte[256 * 1024];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            var found = false;
            LinkMessages.ForEach(buffer.AsSpan(0, received), message =>
            {
                if (message.Type == (deleted ? LinkMessages.RtmDelLink : LinkMessages.RtmNewLink)
                    && LinkMessages.ReadLink(message.Payload) is { } link && link.Name == name && link.Index == index)
                    found = true;
                return !found;
            });
            if (found)
                return;
        }
    }
}
