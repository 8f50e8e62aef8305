// The API token lives in this tab's sessionStorage only. `make run` prints a URL carrying it in the fragment
// (#token=…), which a browser never sends to a server or in a Referer; ?token= is accepted too for scripts.
const KEY = "microseg.token";

export function readToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function storeToken(token: string): void {
  sessionStorage.setItem(KEY, token.trim());
}

export function clearToken(): void {
  sessionStorage.removeItem(KEY);
}

/** Takes a token from #token= or ?token= into sessionStorage and removes it from the address bar. */
export function adoptTokenFromUrl(location: Location, history: History): string | null {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, "")).get("token");
  const query = new URLSearchParams(location.search);
  const fromQuery = query.get("token");
  const token = fromHash ?? fromQuery;
  if (!token) return null;
  storeToken(token);
  query.delete("token");
  const search = query.toString();
  history.replaceState(null, "", location.pathname + (search ? `?${search}` : ""));
  return token;
}
