import type { ReactElement } from "react";
import { render } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { vi } from "vitest";

/** Renders a view with a fresh query cache at a route. */
export function renderAt(ui: ReactElement, route = "/") {
  const queries = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={queries}>
      <MemoryRouter initialEntries={[route]}>{ui}</MemoryRouter>
    </QueryClientProvider>,
  );
}

type Handler = (url: string, init?: RequestInit) => { status?: number; body?: unknown } | undefined;

/** Replaces fetch: each call goes to the handler (a unit test's stand-in for the API); every call is recorded. */
export function stubApi(handler: Handler) {
  const calls: { url: string; init?: RequestInit }[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    calls.push({ url, init });
    const answer = handler(url, init) ?? { status: 404, body: { title: "Not found" } };
    const status = answer.status ?? 200;
    const text = answer.body === undefined ? "" : JSON.stringify(answer.body);
    return new Response(status === 204 ? null : text, { status, headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" } });
  });
  vi.stubGlobal("fetch", fetch);
  return calls;
}
