import { describe, expect, it, afterEach, vi } from "vitest";
import { screen, within } from "@testing-library/react";
import { renderAt, stubApi } from "../test/render";
import { FlowsView } from "./FlowsView";
import type { Flow } from "../api/types";

afterEach(() => vi.unstubAllGlobals());

const flow = (src: string, verdict: string, reason: string): Flow => ({
  firstSeen: "2026-12-06T10:00:00Z", lastSeen: "2026-12-06T10:00:05Z", node: "n1",
  src: { workload: src, namespace: "default", address: `198.18.0.${src === "a" ? 1 : 3}` },
  dst: { workload: "b", namespace: "default", address: "198.18.0.2", port: 80 },
  protocol: "TCP", verdict, policy: "b-accepts-a", reason, connections: 5, packets: 10, bytes: 600,
});

describe("FlowsView", () => {
  it("asks the API with the URL's filters and shows each flow's verdict, policy and reason", async () => {
    const calls = stubApi((url) => (url.startsWith("/api/v1/flows?") ? { body: { items: [flow("a", "allow", "rule"), flow("c", "deny", "default-deny")], next: null } } : undefined));
    renderAt(<FlowsView />, "/flows?dst=b");
    const denied = (await screen.findByText(/default\/c/)).closest("tr")!;
    expect(denied.className).toContain("flow-deny");
    expect(within(denied).getByText("b-accepts-a")).toBeTruthy();
    expect(within(denied).getByText("default deny")).toBeTruthy();
    const allowed = screen.getByText(/default\/a/).closest("tr")!;
    expect(allowed.className).toContain("flow-allow");
    expect(within(allowed).getByText("rule")).toBeTruthy();
    expect(calls[0].url).toBe("/api/v1/flows?dst=b&limit=100");
    expect(within(denied).getByTestId("flow-why").getAttribute("href")).toBe("/why?src=c&dst=b&protocol=TCP&port=80");
  });

  it("shows an address outside any workload as such", async () => {
    const outside = { ...flow("a", "deny", "no-policy"), src: { workload: null, namespace: null, address: "198.51.100.7" } };
    stubApi(() => ({ body: { items: [outside], next: null } }));
    renderAt(<FlowsView />, "/flows");
    expect(await screen.findByText(/\(outside any workload\) 198\.51\.100\.7/)).toBeTruthy();
  });
});

describe("FlowsView time filter", () => {
  it("passes since from the URL to the API", async () => {
    const calls = stubApi(() => ({ body: { items: [], next: null } }));
    renderAt(<FlowsView />, "/flows?verdict=deny&since=2026-12-06T10:00:00.000Z");
    await vi.waitFor(() => expect(calls.length).toBeGreaterThan(0));
    const query = new URLSearchParams(calls[0].url.split("?")[1]);
    expect(query.get("verdict")).toBe("deny");
    expect(query.get("since")).toBe("2026-12-06T10:00:00.000Z");
  });
});
