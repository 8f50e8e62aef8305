import { describe, expect, it, afterEach, vi } from "vitest";
import { screen, waitFor } from "@testing-library/react";
import { renderAt, stubApi } from "../test/render";
import { WorkloadsView } from "./WorkloadsView";

afterEach(() => vi.unstubAllGlobals());

describe("WorkloadsView", () => {
  it("shows each workload's labels and mode, and what the cluster default mode is", async () => {
    stubApi((url) => {
      if (url === "/api/v1/workloads") {
        return { body: [
          { id: "a", node: "n1", interface: "veth-a", addresses: ["198.18.0.1"], labels: { app: "a" }, namespace: "default", ports: {}, mode: "monitor", identity: 256 },
          { id: "b", node: "n1", addresses: ["198.18.0.2"], labels: { app: "b" }, namespace: "shop", ports: {}, identity: 257 },
        ] };
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
});
