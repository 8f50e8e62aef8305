import { describe, expect, it, vi, afterEach } from "vitest";
import { followFlows, parseEvent } from "./follow";

afterEach(() => vi.unstubAllGlobals());

describe("parseEvent", () => {
  it("reads the type and data of a flow event", () => {
    expect(parseEvent('event: flow\nid: 7\ndata: {"verdict":"deny"}')).toEqual({ type: "flow", data: '{"verdict":"deny"}' });
  });
  it("ignores keep-alive comments", () => expect(parseEvent(": keep-alive")).toBeNull());
});

describe("followFlows", () => {
  it("sends the bearer token and delivers each flow of the stream, across chunk boundaries", async () => {
    sessionStorage.setItem("microseg.token", "mst_test");
    const chunks = ['event: flow\nid: 1\ndata: {"verdict":"allow","src":{},"dst":{}}\n\n: keep-alive\n\nevent: fl', 'ow\nid: 2\ndata: {"verdict":"deny","src":{},"dst":{}}\n\n'];
    const fetch = vi.fn(async () => new Response(new ReadableStream({
      start(controller) {
        for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
        controller.close();
      },
    }), { status: 200, headers: { "Content-Type": "text/event-stream" } }));
    vi.stubGlobal("fetch", fetch);
    const seen: string[] = [];
    await followFlows(new URLSearchParams({ dst: "b" }), (f) => seen.push(f.verdict), new AbortController().signal);
    expect(seen).toEqual(["allow", "deny"]);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/v1/flows?dst=b&follow=true");
    expect((init.headers as Record<string, string>).Authorization).toBe("Bearer mst_test");
  });
});
