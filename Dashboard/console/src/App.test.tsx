import { describe, expect, it, afterEach, vi } from "vitest";
import { fireEvent, screen, within } from "@testing-library/react";
import { renderAt, stubApi } from "./test/render";
import { App } from "./App";
import { setLanguage } from "./i18n";
import { en } from "./i18n/en";
import { zh } from "./i18n/zh";

afterEach(() => {
  vi.unstubAllGlobals();
  setLanguage("en");
});

function keys(o: object, prefix = ""): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === "object" ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`])).sort();
}

describe("App", () => {
  it("asks for a token when it has none", () => {
    stubApi(() => undefined);
    renderAt(<App />, "/flows");
    expect(screen.getByText("The API needs a token: sign in.")).toBeTruthy();
  });

  it("switches the navigation to Chinese and back", () => {
    sessionStorage.setItem("microseg.token", "mst_x");
    stubApi(() => ({ body: [] }));
    renderAt(<App />, "/cluster");
    const nav = screen.getByRole("menu", { name: "navigation" });
    expect(within(nav).getByText("Flows")).toBeTruthy();
    fireEvent.click(screen.getByTestId("language"));
    expect(within(nav).getByText("流量")).toBeTruthy();
    expect(within(nav).getByText("节点")).toBeTruthy();
    expect(within(nav).queryByText("Flows")).toBeNull();
    fireEvent.click(screen.getByTestId("language"));
    expect(within(nav).getByText("Flows")).toBeTruthy();
  });

  it("has a Chinese string for every English one", () => {
    expect(keys(zh)).toEqual(keys(en));
  });
});
