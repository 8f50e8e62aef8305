import { describe, expect, it, afterEach, vi } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { renderAt, stubApi } from "../test/render";
import { PoliciesView } from "./PoliciesView";
import type { Policy } from "../api/types";

afterEach(() => vi.unstubAllGlobals());

const policies: Policy[] = [
  { id: "default-deny", selector: {}, ingress: [], action: "allow", origin: { namespace: "shop", name: "default-deny", document: "{}" } },
  { id: "b-accepts-a", selector: { matchLabels: { app: "b" }, matchExpressions: [{ key: "tier", operator: "In", values: ["web"] }] },
    ingress: [{ from: [{ selector: { matchLabels: { app: "a" } } }] }], action: "allow", draft: true },
];

function api(url: string, init?: RequestInit) {
  if (url === "/api/v1/policies?limit=100" && (init?.method ?? "GET") === "GET") return { body: { items: policies, next: null } };
  if (url.startsWith("/api/v1/topology")) return { body: { nodes: [], edges: [{ src: "a", dst: "b", ports: ["TCP/80"], verdicts: { allow: 20, deny: 5 }, policies: ["b-accepts-a"] }] } };
  if (url === "/api/v1/policies" && init?.method === "POST") {
    return { status: 400, body: { title: "The request is invalid.", status: 400, errors: [{ field: "ingress[0].ports[0].protocol", message: "protocol 'TCPX' is not supported" }] } };
  }
  return undefined;
}

describe("PoliciesView", () => {
  it("shows a Kubernetes default-deny as deny, drafts apart from active policies, expressions and hits", async () => {
    stubApi(api);
    renderAt(<PoliciesView />);
    const denyRow = (await screen.findByText("default-deny", { selector: "td" })).closest("tr")!;
    expect(within(denyRow).getByText("denies all ingress (default deny)").closest("[data-effect]")?.getAttribute("data-effect")).toBe("default-deny");
    expect(within(denyRow).getByText("active")).toBeTruthy();
    expect(denyRow.querySelector("[data-action]")?.getAttribute("data-action")).toBe("deny");
    expect(within(denyRow).getByText("every workload")).toBeTruthy();
    expect(within(denyRow).getByText("Kubernetes shop/default-deny")).toBeTruthy();
    const draftRow = screen.getByText("b-accepts-a", { selector: "td" }).closest("tr")!;
    expect(within(draftRow).getByText("draft")).toBeTruthy();
    expect(draftRow.querySelector("[data-action]")?.getAttribute("data-action")).toBe("allow");
    expect(within(draftRow).getByText("app=b, tier In (web)")).toBeTruthy();
    await waitFor(() => expect(within(draftRow).getByText("25")).toBeTruthy());
  });

  it("shows the API's field errors when a policy is refused", async () => {
    const calls = stubApi(api);
    renderAt(<PoliciesView />);
    fireEvent.click(await screen.findByTestId("new-policy"));
    fireEvent.change(screen.getByLabelText("policy-id"), { target: { value: "p1" } });
    fireEvent.change(screen.getByLabelText("policy-selector"), { target: { value: "app=b" } });
    fireEvent.change(screen.getByLabelText("policy-ports"), { target: { value: "TCPX/80" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    const field = await screen.findByText("ingress[0].ports[0].protocol");
    expect(field.closest("li")?.textContent).toContain("protocol 'TCPX' is not supported");
    const post = calls.find((c) => c.init?.method === "POST")!;
    expect(JSON.parse(String(post.init!.body))).toEqual({
      id: "p1", selector: { matchLabels: { app: "b" } }, action: "allow", draft: false,
      ingress: [{ from: [], ports: [{ protocol: "TCPX", port: 80 }] }],
    });
  });

  it("refuses a malformed label in the form before calling the API, naming the field", async () => {
    const calls = stubApi(api);
    renderAt(<PoliciesView />);
    fireEvent.click(await screen.findByTestId("new-policy"));
    fireEvent.change(screen.getByLabelText("policy-id"), { target: { value: "p1" } });
    fireEvent.change(screen.getByLabelText("policy-selector"), { target: { value: "app" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("selector.matchLabels")).toBeTruthy();
    expect(calls.some((c) => c.init?.method === "POST")).toBe(false);
  });
});

describe("PoliciesView paging", () => {
  it("asks the server for pages of 100 and offers more while the server gives a cursor", async () => {
    const calls = stubApi((url, init) => {
      if (url === "/api/v1/policies?limit=100") return { body: { items: [policies[0]], next: "NEXT" } };
      if (url === "/api/v1/policies?limit=100&cursor=NEXT") return { body: { items: [policies[1]], next: null } };
      return api(url, init);
    });
    renderAt(<PoliciesView />);
    expect(await screen.findByText("default-deny", { selector: "td" })).toBeTruthy();
    expect(screen.queryByText("b-accepts-a", { selector: "td" })).toBeNull();
    fireEvent.click(screen.getByTestId("policies-more"));
    expect(await screen.findByText("b-accepts-a", { selector: "td" })).toBeTruthy();
    await waitFor(() => expect(screen.queryByTestId("policies-more")).toBeNull());
    expect(calls.some((c) => c.url === "/api/v1/policies")).toBe(false);
  });
});

describe("Kubernetes import", () => {
  it("posts the pasted NetworkPolicy YAML as YAML to /api/v1/networkpolicies", async () => {
    const calls = stubApi((url, init) => (url === "/api/v1/networkpolicies" && init?.method === "POST" ? { body: { applied: 1 } } : api(url, init)));
    renderAt(<PoliciesView />);
    fireEvent.click(await screen.findByTestId("new-policy"));
    fireEvent.click(screen.getByRole("tab", { name: "Kubernetes import" }));
    const yaml = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-all, namespace: shop}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n";
    fireEvent.change(screen.getByLabelText("kubernetes-yaml"), { target: { value: yaml } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(calls.some((c) => c.url === "/api/v1/networkpolicies")).toBe(true));
    const post = calls.find((c) => c.url === "/api/v1/networkpolicies")!;
    expect(post.init!.body).toBe(yaml);
    expect((post.init!.headers as Record<string, string>)["Content-Type"]).toBe("application/yaml");
  });
});
