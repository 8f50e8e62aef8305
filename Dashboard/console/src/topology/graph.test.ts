import { describe, expect, it } from "vitest";
import { edgeVerdict, layoutFor, toElements } from "./graph";

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
