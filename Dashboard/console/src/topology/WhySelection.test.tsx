import { describe, expect, it, afterEach, vi } from "vitest";
import { fireEvent, screen } from "@testing-library/react";
import { renderAt, stubApi } from "../test/render";
import { WhySelection } from "./WhySelection";

afterEach(() => vi.unstubAllGlobals());

const edge = { src: "a", dst: "b", ports: ["UDP/53", "TCP/80"], verdicts: { allow: 1 }, policies: [] };
const answer = {
  verdict: "allowed", summary: "a -> b UDP/53: allowed.", source: { address: "198.18.0.1", workload: "a" }, destination: { address: "198.18.0.2", workload: "b" },
  protocol: "UDP", port: 53, egress: null, ingress: null,
};

describe("WhySelection", () => {
  it("asks why for a selected edge with the edge's first port prefilled", async () => {
    const calls = stubApi(() => ({ body: answer }));
    renderAt(<WhySelection level="workload" selected={{ kind: "edge", edge }} />);
    expect(screen.getByText("a → b")).toBeTruthy();
    expect((screen.getByLabelText("why-port") as HTMLInputElement).value).toBe("53");
    fireEvent.click(screen.getByTestId("why-explain"));
    await screen.findByTestId("why-verdict");
    expect(Object.fromEntries(new URLSearchParams(calls[0].url.split("?")[1]))).toEqual({ src: "a", dst: "b", protocol: "UDP", port: "53" });
    expect(screen.getByTestId("why-policy").textContent).toBe("none (a default decides)");
  });

  it("asks from the node clicked first to the node clicked second", async () => {
    const calls = stubApi(() => ({ body: answer }));
    renderAt(<WhySelection level="workload" selected={{ kind: "node", id: "b", previous: "c" }} />);
    fireEvent.change(screen.getByLabelText("why-port"), { target: { value: "8080" } });
    fireEvent.click(screen.getByTestId("why-explain"));
    await screen.findByTestId("why-verdict");
    expect(Object.fromEntries(new URLSearchParams(calls[0].url.split("?")[1]))).toEqual({ src: "c", dst: "b", protocol: "TCP", port: "8080" });
  });

  it("says what to do when one node is selected or the level is not workload", () => {
    stubApi(() => undefined);
    const { unmount } = renderAt(<WhySelection level="workload" selected={{ kind: "node", id: "a" }} />);
    expect(screen.getByText("Click a second node to ask why from a to it.")).toBeTruthy();
    unmount();
    renderAt(<WhySelection level="app" selected={{ kind: "edge", edge }} />);
    expect(screen.getByText("Switch the level to workload to ask why for a pair.")).toBeTruthy();
    expect(screen.queryByTestId("why")).toBeNull();
  });
});
