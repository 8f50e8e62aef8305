import type { DirectionVerdict, WhyAnswer } from "../api/types";

/** The protocols /why accepts; ICMP has no port. */
export const protocols = ["TCP", "UDP", "SCTP", "ICMP"] as const;

export function hasPorts(protocol: string): boolean {
  return protocol.toUpperCase() !== "ICMP";
}

/**
 * The direction that decided, in the data plane's order as the API explains it: a denying side wins, else the side
 * a policy allowed on, else whichever side enforced at all; null when neither end is an enforced workload.
 */
export function decidingDirection(answer: WhyAnswer): DirectionVerdict | null {
  const sides = [answer.egress, answer.ingress].filter((v): v is DirectionVerdict => !!v);
  return sides.find((v) => !v.allowed)
    ?? [answer.ingress, answer.egress].find((v): v is DirectionVerdict => v?.reason === "policy-allow")
    ?? answer.ingress ?? answer.egress ?? null;
}

/** A map edge's first port ("TCP/80") as protocol and port, to prefill the form. */
export function firstPort(ports: string[] | undefined): { protocol: string; port: number | null } {
  const [protocol, port] = (ports?.[0] ?? "TCP/").split("/");
  const number = Number(port);
  return { protocol: (protocols as readonly string[]).includes(protocol?.toUpperCase()) ? protocol.toUpperCase() : "TCP", port: Number.isInteger(number) && number > 0 ? number : null };
}
