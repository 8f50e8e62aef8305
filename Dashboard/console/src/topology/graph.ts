import type { ElementDefinition } from "cytoscape";
import type { Topology, TopologyEdge } from "../api/types";
import { verdictColors } from "../components/VerdictTag";

/** The verdict an edge is drawn in: any deny makes it red, then would-deny, else allow. */
export function edgeVerdict(edge: TopologyEdge): "deny" | "would-deny" | "allow" {
  if ((edge.verdicts.deny ?? 0) > 0) return "deny";
  if ((edge.verdicts["would-deny"] ?? 0) > 0) return "would-deny";
  return "allow";
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
