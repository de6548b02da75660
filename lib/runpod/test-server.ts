import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll } from "vitest";
import { RunpodError } from "./errors";

/**
 * A tiny programmable HTTP server that plays RunPod in the client's tests
 * (real sockets, port 0). Each test installs a handler; every request is recorded.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type FakeHandler = (req: RecordedRequest, res: http.ServerResponse) => void | Promise<void>;

export interface FakeRunpod {
  url: string;
  requests: RecordedRequest[];
  handle(h: FakeHandler): void;
  /** Resolves when `n` requests have arrived. */
  waitForRequests(n: number): Promise<void>;
  /** Resolves when the server sees `n` client connections closed. */
  closedConnections(): number;
  close(): Promise<void>;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": status >= 400 ? "application/problem+json" : "application/json", ...headers });
  res.end(text);
}

export async function startFakeRunpod(): Promise<FakeRunpod> {
  let handler: FakeHandler = (_req, res) => sendJson(res, 500, { title: "no handler" });
  const requests: RecordedRequest[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let closed = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const u = new URL(req.url ?? "/", "http://x");
      const rec: RecordedRequest = { method: req.method ?? "", path: u.pathname, query: u.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(rec);
      for (const w of waiters.filter((w) => requests.length >= w.n)) w.resolve();
      Promise.resolve(handler(rec, res)).catch(() => res.destroy());
    });
  });
  server.on("connection", (sock) => sock.on("close", () => closed++));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle(h) {
      handler = h;
    },
    waitForRequests(n) {
      if (requests.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    closedConnections: () => closed,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Fake time for retry/back-off tests: `sleep` advances `clock` instantly and records each wait. */
export function fakeTime(start = Date.parse("2026-11-28T12:00:00Z")) {
  let now = start;
  const sleeps: number[] = [];
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    advance(ms: number) {
      now += ms;
    },
    sleeps,
  };
}

/** The RunpodError a call rejects with (fails the test when it resolves or throws something else). */
export async function caught(p: Promise<unknown>): Promise<RunpodError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RunpodError) return e;
    throw e;
  }
  throw new Error("expected a RunpodError");
}

/**
 * One fake RunPod for a test file: started before its tests, closed after them, and (unless `keepRequests`)
 * its request log emptied after each test. Returns a stand-in that forwards to the server once it runs.
 */
export function fakeRunpodForFile(opts: { keepRequests?: boolean } = {}): FakeRunpod {
  let current: FakeRunpod | undefined;
  beforeAll(async () => {
    current = await startFakeRunpod();
  });
  afterAll(() => current?.close());
  if (!opts.keepRequests) {
    afterEach(() => {
      if (current) current.requests.length = 0;
    });
  }
  return new Proxy({} as FakeRunpod, {
    get: (_, key) => Reflect.get(current!, key),
    set: (_, key, value) => Reflect.set(current!, key, value),
  });
}
