import { describe, expect, it, afterEach, vi } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { renderAt, stubApi } from "../test/render";
import { NodesView } from "./NodesView";
import type { NodeStatus } from "../api/types";

afterEach(() => vi.unstubAllGlobals());

const nodes: NodeStatus[] = [
  {
    name: "n1", agentConnected: true, revision: 7, appliedRevision: 7, lastSeen: "2026-12-06T10:00:00Z", endpoints: 3, policyEntries: 2,
    lastAck: { revision: 7, attachedInterfaces: ["veth-a"], missingInterfaces: ["veth-gone"], refusedInterfaces: [{ interface: "eth0", reason: "not a veth" }] },
  },
  { name: "n2", agentConnected: false, revision: 4, appliedRevision: 2, lastSeen: null, endpoints: 1, policyEntries: 0, lastAck: null },
];

describe("NodesView", () => {
  it("shows each node's connection, revisions and interface attach state as the API reports them", async () => {
    stubApi((url) => (url === "/api/v1/nodes" ? { body: nodes } : undefined));
    renderAt(<NodesView />);
    await waitFor(() => expect(screen.getByTestId("agent-n1")).toBeTruthy());
    expect(screen.getByTestId("agent-n1").dataset.connected).toBe("true");
    expect(screen.getByTestId("agent-n1").textContent).toContain("connected");
    expect(screen.getByTestId("agent-n2").dataset.connected).toBe("false");
    expect(screen.getByTestId("agent-n2").textContent).toContain("disconnected");
    expect(screen.getByTestId("applied-n1").dataset.inSync).toBe("true");
    expect(screen.getByTestId("applied-n2").dataset.inSync).toBe("false");
    expect(screen.getByTestId("applied-n2").textContent).toContain("behind");
    const row = screen.getByTestId("agent-n1").closest("tr")!;
    expect(within(row).getByText("veth-a: attached")).toBeTruthy();
    expect(within(row).getByText("veth-gone: missing")).toBeTruthy();
    expect(within(row).getByText("eth0: refused")).toBeTruthy();
    expect(within(screen.getByTestId("agent-n2").closest("tr")!).getByText("never")).toBeTruthy();
  });
});

describe("NodesView remove", () => {
  it("asks for confirmation, sends DELETE and shows the API's refusal", async () => {
    const calls = stubApi((url, init) => {
      if (url === "/api/v1/nodes" && (init?.method ?? "GET") === "GET") return { body: nodes };
      if (init?.method === "DELETE") return { status: 409, body: { title: "The node is in use.", status: 409, detail: "node 'n1': its agent is connected: stop the agent (and uninstall it) first." } };
      return undefined;
    });
    renderAt(<NodesView />);
    const row = (await screen.findByTestId("agent-n1")).closest("tr")!;
    fireEvent.click(within(row).getByRole("button", { name: "Remove" }));
    fireEvent.click(await screen.findByRole("button", { name: "Yes" }));
    expect(await screen.findByText(/its agent is connected/)).toBeTruthy();
    expect(calls.some((c) => c.url === "/api/v1/nodes/n1" && c.init?.method === "DELETE")).toBe(true);
  });
});
