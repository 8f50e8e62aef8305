import { describe, expect, it, afterEach, vi } from "vitest";
import { fireEvent, screen, within } from "@testing-library/react";
import { renderAt, stubApi } from "../test/render";
import { setLanguage } from "../i18n";
import { WhyPanel } from "./WhyPanel";
import type { WhyAnswer } from "../api/types";

afterEach(() => {
  vi.unstubAllGlobals();
  setLanguage("en");
});

const denied: WhyAnswer = {
  verdict: "denied", summary: "c -> b TCP/80: denied by b's ingress rules: default-deny.",
  source: { address: "198.18.0.3", workload: "c", node: "n1" }, destination: { address: "198.18.0.2", workload: "b", node: "n1" },
  protocol: "TCP", port: 80,
  egress: { workload: "c", direction: "egress", allowed: true, reason: "default-allow", rule: null, policy: null, mode: "protect", remoteIdentity: 257, wouldDeny: false },
  ingress: { workload: "b", direction: "ingress", allowed: false, reason: "default-deny", rule: null, policy: null, mode: "protect", remoteIdentity: 258, wouldDeny: false },
};

const allowed: WhyAnswer = {
  ...denied, verdict: "allowed", summary: "a -> b TCP/80: allowed by b's ingress rules: policy-allow (b-accepts-a/ingress/0).",
  source: { address: "198.18.0.1", workload: "a", node: "n1" },
  ingress: { workload: "b", direction: "ingress", allowed: true, reason: "policy-allow", rule: "b-accepts-a/ingress/0", policy: "b-accepts-a", mode: "protect", remoteIdentity: 256, wouldDeny: false },
};

describe("WhyPanel", () => {
  it("asks /why for the pair, protocol and port and shows the deciding policy and rule", async () => {
    const calls = stubApi((url) => (url.startsWith("/api/v1/why?") ? { body: allowed } : undefined));
    renderAt(<WhyPanel src="a" dst="b" protocol="TCP" port={80} />);
    fireEvent.click(screen.getByTestId("why-explain"));

    const verdict = await screen.findByTestId("why-verdict");
    expect(verdict.getAttribute("data-verdict")).toBe("allowed");
    expect(verdict.textContent).toContain("Allowed");
    expect(verdict.textContent).toContain(allowed.summary);
    expect(screen.getByTestId("why-policy").textContent).toBe("b-accepts-a");
    expect(screen.getByTestId("why-reason").textContent).toBe("a policy allows it (b-accepts-a/ingress/0)");
    expect(within(screen.getByTestId("why-egress")).getByText(/default allow: not isolated/)).toBeTruthy();
    const query = new URLSearchParams(calls[0].url.split("?")[1]);
    expect(Object.fromEntries(query)).toEqual({ src: "a", dst: "b", protocol: "TCP", port: "80" });
  });

  it("names the denying side and a default deny when no policy decides", async () => {
    stubApi(() => ({ body: denied }));
    renderAt(<WhyPanel src="c" dst="b" protocol="TCP" port={80} />);
    fireEvent.click(screen.getByTestId("why-explain"));

    expect((await screen.findByTestId("why-verdict")).getAttribute("data-verdict")).toBe("denied");
    expect(screen.getByTestId("why-policy").textContent).toBe("none (a default decides)");
    expect(screen.getByTestId("why-reason").textContent).toBe("default deny: isolated and nothing allows it");
    expect(within(screen.getByTestId("why-ingress")).getByText("deny").closest("[data-verdict]")?.getAttribute("data-verdict")).toBe("deny");
  });

  it("sends the port the user picks and shows the field the API refuses", async () => {
    const calls = stubApi(() => ({ status: 400, body: { title: "The request is invalid.", status: 400, errors: [{ field: "port", message: "70000 is not a port (1-65535)." }] } }));
    renderAt(<WhyPanel src="a" dst="b" />);
    fireEvent.change(screen.getByLabelText("why-port"), { target: { value: "70000" } });
    fireEvent.click(screen.getByTestId("why-explain"));

    const field = await screen.findByText("port", { selector: "code" });
    expect(field.closest("li")?.textContent).toContain("70000 is not a port");
    expect(new URLSearchParams(calls[0].url.split("?")[1]).get("port")).toBe("70000");
    expect(screen.queryByTestId("why-verdict")).toBeNull();
  });

  it("sends no port for ICMP", async () => {
    const calls = stubApi(() => ({ body: { ...allowed, protocol: "ICMP", port: 0 } }));
    renderAt(<WhyPanel src="a" dst="b" protocol="ICMP" port={80} />);
    expect(screen.queryByLabelText("why-port")).toBeNull();
    fireEvent.click(screen.getByTestId("why-explain"));
    await screen.findByTestId("why-verdict");
    expect(new URLSearchParams(calls[0].url.split("?")[1]).has("port")).toBe(false);
  });

  it("speaks Chinese", async () => {
    stubApi(() => ({ body: denied }));
    setLanguage("zh");
    renderAt(<WhyPanel src="c" dst="b" protocol="TCP" port={80} />);
    // antd spaces out a two-character Chinese button label ("分 析").
    expect(screen.getByTestId("why-explain").textContent?.replace(/\s/g, "")).toBe("分析");
    fireEvent.click(screen.getByTestId("why-explain"));
    expect((await screen.findByTestId("why-verdict")).textContent).toContain("拒绝");
    expect(screen.getByTestId("why-reason").textContent).toBe("默认拒绝：已隔离且无策略允许");
  });
});
