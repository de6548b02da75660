/**
 * Helpers for tests that talk to an in-process simulator (also meant for the poller's tests).
 */
import type { Simulator } from "./index";

export function authHeaders(sim: Pick<Simulator, "apiKey">, extra: Record<string, string> = {}): Record<string, string> {
  return { Authorization: `Bearer ${sim.apiKey}`, "Content-Type": "application/json", ...extra };
}

/** Polls a condition on the event loop (real time) until it holds; throws after timeoutMs. */
export async function waitFor<T>(fn: () => T | undefined | null | false, timeoutMs = 5000, what = "condition"): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export interface SseEvent {
  id?: string;
  data: string;
}

export function parseSse(text: string): SseEvent[] {
  const out: SseEvent[] = [];
  for (const block of text.split("\n\n")) {
    if (!block.trim()) continue;
    let id: string | undefined;
    const data: string[] = [];
    let any = false;
    for (const line of block.split("\n")) {
      if (line.startsWith("id: ")) id = line.slice(4);
      else if (line.startsWith("data: ")) {
        data.push(line.slice(6));
        any = true;
      }
    }
    if (any) out.push({ id, data: data.join("\n") });
  }
  return out;
}

export interface SseSession {
  status: number;
  headers: Headers;
  /** Complete events received so far. */
  events(): SseEvent[];
  /** Resolves once pred(events) holds (real time bound). */
  until(pred: (e: SseEvent[]) => boolean, timeoutMs?: number): Promise<SseEvent[]>;
  close(): void;
}

/** Opens an SSE stream with fetch and keeps reading in the background. */
export async function openSse(url: string, headers: Record<string, string>): Promise<SseSession> {
  const ac = new AbortController();
  const res = await fetch(url, { headers, signal: ac.signal });
  let text = "";
  let ended = false;
  if (res.body) {
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          text += dec.decode(value, { stream: true });
        }
      } catch {
        // aborted
      }
      ended = true;
    })();
  }
  const complete = () => parseSse(text.slice(0, text.lastIndexOf("\n\n") + 2));
  return {
    status: res.status,
    headers: res.headers,
    events: complete,
    until: (pred, timeoutMs = 5000) => waitFor(() => (pred(complete()) || ended ? complete() : null), timeoutMs, "SSE events"),
    close: () => ac.abort(),
  };
}
