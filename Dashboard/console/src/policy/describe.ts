import type { LabelSelector, Policy, PolicyPort, PolicyRule } from "../api/types";

/** A selector as text, matchExpressions included: "app=b, tier NotIn (x)". Empty means "every workload". */
export function selectorText(selector: LabelSelector | null | undefined): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    const values = e.values && e.values.length > 0 ? ` (${e.values.join(", ")})` : "";
    parts.push(`${e.key} ${e.operator}${values}`);
  }
  return parts.join(", ");
}

export function portText(port: PolicyPort): string {
  const protocol = port.protocol ?? "TCP";
  if (port.port === undefined || port.port === null) return `${protocol}/*`;
  return port.endPort ? `${protocol}/${port.port}-${port.endPort}` : `${protocol}/${port.port}`;
}

/**
 * What one direction of a policy does to the workloads it selects. An allow policy with a list that is present
 * but empty admits nothing: that is the Kubernetes default-deny, and it must read as a deny, never as an allow.
 */
export type DirectionEffect =
  | { kind: "untouched" }
  | { kind: "default-deny" }
  | { kind: "rules"; count: number };

export function directionEffect(policy: Policy, rules: PolicyRule[] | null | undefined): DirectionEffect {
  if (rules === null || rules === undefined) return { kind: "untouched" };
  if (rules.length === 0 && (policy.action ?? "allow") === "allow") return { kind: "default-deny" };
  return { kind: "rules", count: rules.length };
}

/** "key=value, key2=value2" → {key: value, key2: value2}; a part without '=' is a field error for the caller. */
export function parseLabels(text: string): { labels: Record<string, string>; bad: string[] } {
  const labels: Record<string, string> = {};
  const bad: string[] = [];
  for (const part of text.split(",").map((p) => p.trim()).filter((p) => p.length > 0)) {
    const eq = part.indexOf("=");
    if (eq <= 0) bad.push(part);
    else labels[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return { labels, bad };
}

/** "TCP/80, UDP/53" → ports; a part that is not PROTOCOL/PORT is returned in bad (the API checks the rest). */
export function parsePorts(text: string): { ports: PolicyPort[]; bad: string[] } {
  const ports: PolicyPort[] = [];
  const bad: string[] = [];
  for (const part of text.split(",").map((p) => p.trim()).filter((p) => p.length > 0)) {
    const match = /^([A-Za-z0-9]+)\/(\d+)(?:-(\d+))?$/.exec(part);
    if (!match) {
      bad.push(part);
      continue;
    }
    const port: PolicyPort = { protocol: match[1].toUpperCase(), port: Number(match[2]) };
    if (match[3]) port.endPort = Number(match[3]);
    ports.push(port);
  }
  return { ports, bad };
}
