import { readToken } from "../auth/token";
import { ApiError } from "./problem";

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called when the API answers 401: the console asks for a token. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export function authHeaders(): Record<string, string> {
  const token = readToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** Calls the REST API with the session's bearer token; a non-success answer throws an ApiError. */
export async function api<T>(path: string, init: { method?: string; body?: unknown; contentType?: string; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...authHeaders() };
  let body: BodyInit | undefined;
  if (init.body !== undefined) {
    headers["Content-Type"] = init.contentType ?? "application/json";
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  }
  const response = await fetch(path, { method: init.method ?? "GET", headers, body, signal: init.signal });
  if (response.status === 401) unauthorizedListeners.forEach((l) => l());
  if (!response.ok) throw await ApiError.from(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Sets the read-only session cookie the Orleans dashboard at /dashboard reads with. */
export async function startSession(): Promise<void> {
  await api<void>("/api/v1/session", { method: "POST" });
}
