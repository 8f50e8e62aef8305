import { describe, expect, it, vi } from "vitest";
import { adoptTokenFromUrl, readToken } from "./token";

function at(url: string) {
  const u = new URL(url);
  const history = { replaceState: vi.fn() } as unknown as History;
  return { location: { hash: u.hash, search: u.search, pathname: u.pathname } as Location, history };
}

describe("adoptTokenFromUrl", () => {
  it("takes #token= into this tab's session storage and removes it from the address bar", () => {
    const { location, history } = at("http://127.0.0.1:8080/flows#token=mst_abc");
    expect(adoptTokenFromUrl(location, history)).toBe("mst_abc");
    expect(readToken()).toBe("mst_abc");
    expect(history.replaceState).toHaveBeenCalledWith(null, "", "/flows");
  });
  it("takes ?token= and keeps the other query parameters", () => {
    const { location, history } = at("http://127.0.0.1:8080/flows?dst=b&token=mst_q");
    expect(adoptTokenFromUrl(location, history)).toBe("mst_q");
    expect(history.replaceState).toHaveBeenCalledWith(null, "", "/flows?dst=b");
  });
  it("does nothing without a token", () => {
    const { location, history } = at("http://127.0.0.1:8080/nodes");
    expect(adoptTokenFromUrl(location, history)).toBeNull();
    expect(readToken()).toBeNull();
  });
});
