import { describe, expect, it, afterEach, vi } from "vitest";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { renderAt, stubApi } from "../test/render";
import { WorkloadsView } from "./WorkloadsView";

afterEach(() => vi.unstubAllGlobals());

describe("WorkloadsView", () => {
  it("shows each workload's labels and mode, and what the cluster default mode is", async () => {
    stubApi((url) => {
      if (url === "/api/v1/workloads?limit=100") {
        return { body: { items: [
          { id: "a", node: "n1", interface: "veth-a", addresses: ["198.18.0.1"], labels: { app: "a" }, namespace: "default", ports: {}, mode: "monitor", identity: 256 },
          { id: "b", node: "n1", addresses: ["198.18.0.2"], labels: { app: "b" }, namespace: "shop", ports: {}, identity: 257 },
        ], next: null } };
      }
      if (url === "/api/v1/settings/enforcement") return { body: { defaultMode: "protect", labelGroups: [] } };
      return undefined;
    });
    renderAt(<WorkloadsView />);
    expect(await screen.findByText("app=a")).toBeTruthy();
    const rowA = screen.getByText("veth-a").closest("tr")!;
    expect(rowA.textContent).toContain("monitor");
    await waitFor(() => expect(screen.getByText("b", { selector: "td" }).closest("tr")!.textContent).toContain("cluster default: protect"));
  });

  it("loads workloads a page of 100 at a time and the next page with the server's cursor", async () => {
    const workload = (id: string) => ({ id, node: "n1", addresses: [], labels: {}, namespace: "default", ports: {}, identity: 300 });
    const calls = stubApi((url) => {
      if (url === "/api/v1/workloads?limit=100") return { body: { items: [workload("w1"), workload("w2")], next: "CURSOR-2" } };
      if (url === "/api/v1/workloads?limit=100&cursor=CURSOR-2") return { body: { items: [workload("w3")], next: null } };
      if (url === "/api/v1/settings/enforcement") return { body: { defaultMode: "protect", labelGroups: [] } };
      return undefined;
    });
    renderAt(<WorkloadsView />);
    expect(await screen.findByText("w2", { selector: "td" })).toBeTruthy();
    expect(screen.queryByText("w3", { selector: "td" })).toBeNull();
    fireEvent.click(screen.getByTestId("workloads-more"));
    expect(await screen.findByText("w3", { selector: "td" })).toBeTruthy();
    expect(screen.getByText("w1", { selector: "td" })).toBeTruthy();
    await waitFor(() => expect(screen.queryByTestId("workloads-more")).toBeNull());
    expect(calls.filter((c) => c.url.startsWith("/api/v1/workloads")).map((c) => c.url)).toEqual(["/api/v1/workloads?limit=100", "/api/v1/workloads?limit=100&cursor=CURSOR-2"]);
  });
});
