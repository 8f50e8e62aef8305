import { describe, expect, it } from "vitest";
import type { Topology } from "../api/types";
import { edgeVerdict, filterTopology, layoutFor, toElements } from "./graph";

describe("topology graph", () => {
  it("colours an edge by its worst verdict and adds nodes for outside addresses", () => {
    const elements = toElements({
      nodes: [{ id: "a", level: "app" }, { id: "b", level: "app" }],
      edges: [
        { src: "a", dst: "b", ports: ["TCP/80"], verdicts: { allow: 20, deny: 0, "would-deny": 0 }, policies: ["p"] },
        { src: "198.51.100.0/24", dst: "b", ports: ["TCP/80"], verdicts: { allow: 1, deny: 2, "would-deny": 3 }, policies: [] },
      ],
    });
    const edges = elements.filter((e) => e.data.source);
    expect(edges.map((e) => [e.data.id, e.data.verdict])).toEqual([["e:a->b", "allow"], ["e:198.51.100.0/24->b", "deny"]]);
    expect(elements.find((e) => e.data.id === "n:198.51.100.0/24")?.data.external).toBe(true);
    expect(edgeVerdict({ src: "x", dst: "y", ports: [], verdicts: { allow: 1, "would-deny": 1 }, policies: [] })).toBe("would-deny");
  });

  it("uses a grid beyond a few hundred nodes", () => {
    expect(layoutFor(1000).name).toBe("grid");
    expect(layoutFor(10).name).toBe("cose");
  });
});

describe("filterTopology", () => {
  const topology: Topology = {
    nodes: [
      { id: "web-1", level: "workload", labels: { app: "web", env: "prod" } },
      { id: "db-1", level: "workload", labels: { app: "db", env: "prod" } },
      { id: "dev-1", level: "workload", labels: { app: "web", env: "dev" } },
      { id: "lonely", level: "workload", labels: { app: "x" } },
    ],
    edges: [
      { src: "web-1", dst: "db-1", ports: [], verdicts: { allow: 1 }, policies: [] },
      { src: "dev-1", dst: "lonely", ports: [], verdicts: { deny: 1 }, policies: [] },
    ],
  };
  it("keeps nodes matching every label term and the peers they talk to", () => {
    const shown = filterTopology(topology, "app=web, env=prod");
    expect(shown.nodes.map((n) => n.id)).toEqual(["web-1", "db-1"]);
    expect(shown.edges).toHaveLength(1);
  });
  it("matches a bare term against the id, and keeps everything without a filter", () => {
    expect(filterTopology(topology, "lone").nodes.map((n) => n.id)).toEqual(["dev-1", "lonely"]);
    expect(filterTopology(topology, " ")).toBe(topology);
  });
});
