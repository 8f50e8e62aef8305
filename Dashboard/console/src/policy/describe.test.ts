import { describe, expect, it } from "vitest";
import { directionEffect, parseLabels, parsePorts, selectorText } from "./describe";

describe("selectorText", () => {
  it("shows matchExpressions beside matchLabels instead of leaving them blank", () => {
    expect(selectorText({ matchLabels: { app: "b" }, matchExpressions: [{ key: "tier", operator: "NotIn", values: ["x", "y"] }, { key: "env", operator: "Exists" }] }))
      .toBe("app=b, tier NotIn (x, y), env Exists");
  });
  it("is empty for the empty selector", () => expect(selectorText({})).toBe(""));
});

describe("directionEffect", () => {
  it("reads a Kubernetes default-deny (allow with an empty ingress list) as default deny", () => {
    expect(directionEffect({ id: "deny-all", selector: {}, ingress: [], action: "allow" }, [])).toEqual({ kind: "default-deny" });
  });
  it("leaves a direction without a list alone", () => {
    expect(directionEffect({ id: "p", selector: {} }, undefined)).toEqual({ kind: "untouched" });
  });
  it("counts rules", () => {
    expect(directionEffect({ id: "p", selector: {} }, [{ from: [] }, { from: [] }])).toEqual({ kind: "rules", count: 2 });
  });
});

describe("form parsing", () => {
  it("parses labels and names the malformed part", () => {
    expect(parseLabels("app=b, tier = web, broken")).toEqual({ labels: { app: "b", tier: "web" }, bad: ["broken"] });
  });
  it("parses ports and ranges and names the malformed part", () => {
    expect(parsePorts("tcp/80, UDP/1000-2000, 80")).toEqual({
      ports: [{ protocol: "TCP", port: 80 }, { protocol: "UDP", port: 1000, endPort: 2000 }],
      bad: ["80"],
    });
  });
});
