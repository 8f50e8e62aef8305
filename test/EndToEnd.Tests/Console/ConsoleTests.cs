using System.Diagnostics;
using MicroSeg.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MicroSeg.EndToEnd.Tests.Console;

/// <summary>
/// Issue 13, "Must show": the console in headless Chromium against a real silo, a real agent and pods a, b, c on a
/// bridge. A policy made in the console's form takes effect on traffic; /flows names it for a→b (allow) and c→b
/// (deny); the map draws c→b red; /nodes shows the agent connected and in sync, then disconnected after it stops;
/// "why" from a flow row and from a map edge names the verdict, reason and deciding policy; monitor mode set in
/// /workloads lets c→b through as would-deny, and live follow adds the next one; the Chinese toggle changes the navigation.
/// </summary>
public sealed class ConsoleTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Disconnected = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Console_PolicyFromForm_FlowsMapNodesMonitorAndChinese_ShowTheSystemsState()
    {
        await using var system = await MicroSegSystem.StartAsync(output);
        var a = system.AddPod("a", "198.18.13.1/24", 80);
        var b = system.AddPod("b", "198.18.13.2/24", 80);
        var c = system.AddPod("c", "198.18.13.3/24", 80);
        var node = system.NodeName("n1");
        system.StartAgent(node);
        foreach (var (name, pod) in new[] { ("a", a), ("b", b), ("c", c) })
            await system.RegisterAsync(node, name, pod);
        await system.ConvergeAsync();
        Assert.True(await c.CanConnectTcpAsync(b.Address, 80, TimeSpan.FromSeconds(5)), "c->b:80 failed before any policy");

        await using var browser = await ConsoleBrowser.LaunchAsync();
        var page = browser.Page;
        var site = system.Api.BaseAddress.ToString().TrimEnd('/');
        // The address `make run` prints: the token in the fragment signs the tab in.
        await page.GotoAsync($"{site}/policies#token={system.Api.Token}");

        // A bad id is refused by the API, and the console shows the field it names; nothing is created.
        await FillPolicyFormAsync(page, "B-Accepts-A");
        await Expect(page.Locator("[role=dialog] li[data-field=id]")).ToBeVisibleAsync();
        Assert.Empty((await system.Api.SendOkAsync(HttpMethod.Get, "/api/v1/policies"))!.AsArray());
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await FillPolicyFormAsync(page, "b-accepts-a");
        var row = page.Locator("[data-testid=policies] tr", new() { HasText = "b-accepts-a" });
        await Expect(row.Locator("[data-state=active]")).ToBeVisibleAsync();
        await system.ConvergeAsync();

        for (var i = 0; i < 5; i++)
            Assert.True(await a.CanConnectTcpAsync(b.Address, 80, TimeSpan.FromSeconds(5)), $"a->b:80 connection {i} failed");
        for (var i = 0; i < 3; i++)
            Assert.False(await c.CanConnectTcpAsync(b.Address, 80, TimeSpan.FromSeconds(2)), "c->b:80 connected although the console's policy admits only a");

        await page.GetByRole(AriaRole.Link, new() { Name = "Flows", Exact = true }).ClickAsync();
        var flows = page.Locator("[data-testid=flows]");
        await Expect(flows.Locator("tr.flow-allow", new() { HasText = "default/a" }).Filter(new() { HasText = "b-accepts-a" }).First).ToBeVisibleAsync();
        var denied = flows.Locator("tr.flow-deny", new() { HasText = "default/c" }).Filter(new() { HasText = "b-accepts-a" }).First;
        await Expect(denied).ToBeVisibleAsync();
        await Expect(denied).ToContainTextAsync("default deny");

        // "Why" from a flow row: /why asks the API for that pair and port and shows the deny and its reason.
        await denied.Locator("[data-testid=flow-why]").ClickAsync();
        await Expect(page.Locator("[data-testid=why-verdict]")).ToHaveAttributeAsync("data-verdict", "denied");
        await Expect(page.Locator("[data-testid=why-reason]")).ToContainTextAsync("default deny");
        await Expect(page.Locator("[data-testid=why-ingress]")).ToContainTextAsync("b");

        // The map at app level: c→b is drawn in the deny colour, a→b in the allow colour.
        await page.GotoAsync($"{site}/topology");
        await Expect(page.Locator("[data-testid=topology] canvas").First).ToBeAttachedAsync();
        Assert.Equal("deny", await EdgeVerdictAsync(page, "c", "b"));
        Assert.Equal("allow", await EdgeVerdictAsync(page, "a", "b"));

        // "Why" on the map: at workload level, the selected a→b edge explains its allow by the console's policy.
        await page.Locator("input[aria-label=level]").ClickAsync();
        await page.Locator(".ant-select-item-option", new() { HasText = "workload" }).ClickAsync();
        Assert.Equal("allow", await EdgeVerdictAsync(page, "a", "b"));
        await page.EvaluateAsync("id => document.querySelector('[data-testid=topology]').cy.getElementById(id).emit('tap')", "e:a->b");
        var selection = page.Locator("[data-testid=topology-selection]");
        await Expect(selection.Locator("input[aria-label=why-port]")).ToHaveValueAsync("80");
        await selection.Locator("[data-testid=why-explain]").ClickAsync();
        await Expect(selection.Locator("[data-testid=why-verdict]")).ToHaveAttributeAsync("data-verdict", "allowed");
        await Expect(selection.Locator("[data-testid=why-policy]")).ToHaveTextAsync("b-accepts-a");

        await page.GotoAsync($"{site}/nodes");
        await Expect(page.Locator($"[data-testid='agent-{node}']")).ToHaveAttributeAsync("data-connected", "true");
        await Expect(page.Locator($"[data-testid='applied-{node}']")).ToHaveAttributeAsync("data-in-sync", "true");

        // Monitor mode chosen in the console: c→b connects and shows as would-deny, still naming the policy.
        await page.GotoAsync($"{site}/workloads");
        await page.Locator("input[aria-label=mode-b]").ClickAsync();
        await page.Locator(".ant-select-item-option", new() { HasText = "monitor" }).ClickAsync();
        await Expect(page.Locator(".ant-message")).ToContainTextAsync("monitor");
        Assert.Equal("monitor", (string?)(await system.Api.SendOkAsync(HttpMethod.Get, "/api/v1/workloads/b"))!["mode"]);
        await system.ConvergeAsync();
        Assert.True(await c.CanConnectTcpAsync(b.Address, 80, TimeSpan.FromSeconds(5)), "c->b:80 did not connect in monitor mode");
        await page.GotoAsync($"{site}/flows?verdict=would-deny");
        var wouldDeny = page.Locator("[data-testid=flows] tr.flow-would-deny", new() { HasText = "default/c" }).Filter(new() { HasText = "b-accepts-a" });
        await Expect(wouldDeny.First).ToBeVisibleAsync();

        // Live follow (server-sent events read with the bearer token): a new connection adds a row without a reload.
        await page.GetByRole(AriaRole.Switch).ClickAsync();
        await Expect(page.GetByText("Following new flows")).ToBeVisibleAsync();
        var before = await wouldDeny.CountAsync();
        Assert.True(await c.CanConnectTcpAsync(b.Address, 80, TimeSpan.FromSeconds(5)), "c->b:80 did not connect in monitor mode");
        await Expect(wouldDeny).ToHaveCountAsync(before + 1);

        // Stopping the agent: the node shows as disconnected, from the node grain's status, within 30 s.
        await page.GotoAsync($"{site}/nodes");
        var stopped = Stopwatch.StartNew();
        await system.Agent(node).StopAsync(TimeSpan.FromSeconds(20));
        await Expect(page.Locator($"[data-testid='agent-{node}']")).ToHaveAttributeAsync("data-connected", "false",
            new() { Timeout = (float)Disconnected.TotalMilliseconds });
        output.WriteLine($"node shown disconnected {stopped.Elapsed.TotalSeconds:F1} s after the agent was stopped");

        // Chinese: the navigation labels change, and stay after a reload.
        await page.Locator("[data-testid=language]").ClickAsync();
        var navigation = page.Locator("[aria-label=navigation]");
        await Expect(navigation).ToContainTextAsync("流量");
        await Expect(navigation).ToContainTextAsync("节点");
        await Expect(navigation).Not.ToContainTextAsync("Flows");
        await page.ReloadAsync();
        await Expect(navigation).ToContainTextAsync("策略");
    }

    private static async Task FillPolicyFormAsync(IPage page, string id)
    {
        await page.Locator("[data-testid=new-policy]").ClickAsync();
        await page.Locator("input[aria-label=policy-id]").FillAsync(id);
        await page.Locator("input[aria-label=policy-selector]").FillAsync("app=b");
        await page.Locator("input[aria-label=policy-peers]").FillAsync("app=a");
        await page.Locator("input[aria-label=policy-ports]").FillAsync("TCP/80");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
    }

    /// <summary>The verdict the map draws an edge in, read from the Cytoscape graph the page renders.</summary>
    private static async Task<string?> EdgeVerdictAsync(IPage page, string src, string dst)
    {
        var id = $"e:{src}->{dst}";
        await page.WaitForFunctionAsync("id => document.querySelector('[data-testid=topology]')?.cy?.getElementById(id).length === 1", id,
            new() { Timeout = 30_000 });
        return await page.EvaluateAsync<string?>("id => document.querySelector('[data-testid=topology]').cy.getElementById(id).data('verdict')", id);
    }
}
