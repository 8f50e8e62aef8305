import { authHeaders } from "./client";
import { ApiError } from "./problem";
import type { Flow } from "./types";

/**
 * Reads GET /api/v1/flows?follow=true (server-sent events) with the bearer token, which EventSource cannot send.
 * Calls onFlow for each `event: flow`; resolves when the server ends the stream, rejects on an error.
 */
export async function followFlows(query: URLSearchParams, onFlow: (flow: Flow) => void, signal: AbortSignal): Promise<void> {
  const params = new URLSearchParams(query);
  params.set("follow", "true");
  const response = await fetch(`/api/v1/flows?${params}`, { headers: { Accept: "text/event-stream", ...authHeaders() }, signal });
  if (!response.ok || !response.body) throw await ApiError.from(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = parseEvent(block);
      if (event?.type === "flow") onFlow(JSON.parse(event.data) as Flow);
    }
  }
}

/** One server-sent event block: its type and data lines; comments (keep-alives) give null. */
export function parseEvent(block: string): { type: string; data: string } | null {
  let type = "message";
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":") || line.length === 0) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") type = value;
    else if (field === "data") data.push(value);
  }
  return data.length > 0 ? { type, data: data.join("\n") } : null;
}
