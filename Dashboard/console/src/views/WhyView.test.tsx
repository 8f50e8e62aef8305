import { describe, expect, it, afterEach, vi } from "vitest";
import { fireEvent, screen } from "@testing-library/react";
import { renderAt, stubApi } from "../test/render";
import { WhyView } from "./WhyView";

afterEach(() => vi.unstubAllGlobals());

const answer = {
  verdict: "denied", summary: "198.51.100.7 -> b TCP/443: denied by b's ingress rules: policy-deny (no-outside/ingress/0).",
  source: { address: "198.51.100.7" }, destination: { address: "198.18.0.2", workload: "b", node: "n1" }, protocol: "TCP", port: 443, egress: null,
  ingress: { workload: "b", direction: "ingress", allowed: false, reason: "policy-deny", rule: "no-outside/ingress/0", policy: "no-outside", mode: "protect", remoteIdentity: 2, wouldDeny: false },
};

describe("WhyView", () => {
  it("asks at once when the link names the pair, and shows the deciding deny policy", async () => {
    const calls = stubApi(() => ({ body: answer }));
    renderAt(<WhyView />, "/why?src=198.51.100.7&dst=b&protocol=TCP&port=443");
    expect((await screen.findByTestId("why-policy")).textContent).toBe("no-outside");
    expect(screen.getByTestId("why-reason").textContent).toBe("a policy denies it (no-outside/ingress/0)");
    expect(screen.getByTestId("why-egress").textContent).toContain("not enforced");
    expect(Object.fromEntries(new URLSearchParams(calls[0].url.split("?")[1]))).toEqual({ src: "198.51.100.7", dst: "b", protocol: "TCP", port: "443" });
  });

  it("waits for the user when the pair is not given, and sends what was typed", async () => {
    const calls = stubApi(() => ({ status: 400, body: { title: "The request is invalid.", status: 400, errors: [{ field: "src", message: "'nobody' is neither a workload id nor an IP address." }] } }));
    renderAt(<WhyView />, "/why");
    expect(calls.length).toBe(0);
    fireEvent.change(screen.getByLabelText("why-src"), { target: { value: "nobody" } });
    fireEvent.change(screen.getByLabelText("why-dst"), { target: { value: "b" } });
    fireEvent.change(screen.getByLabelText("why-port"), { target: { value: "80" } });
    fireEvent.click(screen.getByTestId("why-explain"));
    expect((await screen.findByText("src", { selector: "code" })).closest("li")?.textContent).toContain("neither a workload id nor an IP address");
    expect(new URLSearchParams(calls[0].url.split("?")[1]).get("src")).toBe("nobody");
  });
});
