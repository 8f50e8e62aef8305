import type { ElementDefinition } from "cytoscape";
import type { Topology, TopologyEdge } from "../api/types";
import { verdictColors } from "../components/VerdictTag";

/** The verdict an edge is drawn in: any deny makes it red, then would-deny, else allow. */
export function edgeVerdict(edge: TopologyEdge): "deny" | "would-deny" | "allow" {
  if ((edge.verdicts.deny ?? 0) > 0) return "deny";
  if ((edge.verdicts["would-deny"] ?? 0) > 0) return "would-deny";
  return "allow";
}

/**
 * Keeps the nodes whose id contains the text or whose labels include every key=value term of it (comma separated),
 * and the edges with a kept end, so a filtered map still shows who the kept nodes talk to.
 */
export function filterTopology(topology: Topology, filter: string): Topology {
  const terms = filter.split(",").map((t) => t.trim()).filter((t) => t.length > 0);
  if (terms.length === 0) return topology;
  const matches = (id: string, labels: Record<string, string> | null | undefined) =>
    terms.every((term) => {
      const eq = term.indexOf("=");
      if (eq < 0) return id.includes(term);
      return (labels ?? {})[term.slice(0, eq).trim()] === term.slice(eq + 1).trim();
    });
  const kept = new Set(topology.nodes.filter((n) => matches(n.id, n.labels)).map((n) => n.id));
  const edges = topology.edges.filter((e) => kept.has(e.src) || kept.has(e.dst));
  const ends = new Set(edges.flatMap((e) => [e.src, e.dst]));
  return { nodes: topology.nodes.filter((n) => kept.has(n.id) || ends.has(n.id)), edges };
}

/** Cytoscape elements for a topology answer; an edge endpoint missing from nodes (an outside address) gets a node. */
export function toElements(topology: Topology): ElementDefinition[] {
  const ids = new Set(topology.nodes.map((n) => n.id));
  const elements: ElementDefinition[] = topology.nodes.map((n) => ({ data: { id: `n:${n.id}`, label: n.id, name: n.id } }));
  for (const e of topology.edges) {
    for (const end of [e.src, e.dst]) {
      if (!ids.has(end)) {
        ids.add(end);
        elements.push({ data: { id: `n:${end}`, label: end, name: end, external: true } });
      }
    }
    const verdict = edgeVerdict(e);
    elements.push({
      data: { id: `e:${e.src}->${e.dst}`, source: `n:${e.src}`, target: `n:${e.dst}`, verdict, color: verdictColors[verdict], src: e.src, dst: e.dst },
    });
  }
  return elements;
}

/**
 * Renderer settings by size: a big map draws edges as straight "haystack" lines (no arrows), drops labels when they
 * would be unreadable and hides edges while panning or zooming, which keeps 1,000 nodes and 5,000 edges interactive.
 */
export function rendererFor(nodeCount: number) {
  const large = nodeCount > 300;
  return {
    large,
    options: large ? { hideEdgesOnViewport: true, textureOnViewport: true, pixelRatio: 1 } : {},
    edgeStyle: large ? { "curve-style": "haystack", "haystack-radius": 0 } : { "curve-style": "bezier", "target-arrow-shape": "triangle" },
  };
}

/** Force-directed layouts cost O(n²) per step: beyond a few hundred nodes a grid keeps the map interactive. */
export function layoutFor(nodeCount: number): { name: string; animate: boolean } {
  return nodeCount > 300 ? { name: "grid", animate: false } : { name: "cose", animate: false };
}
