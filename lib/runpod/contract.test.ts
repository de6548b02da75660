import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createRunpodClient } from "./client";
import { RunpodError } from "./errors";
import { fakeRunpodForFile } from "./test-server";

/**
 * Contract tests from RunPod's own recordings of production: each fixture in ./fixtures is the exact
 * bytes a RunPod client keeps in its tests, and its sibling .meta.json names the repository, path and
 * commit it comes from, plus the status and Content-Type production sent with it. A tiny server
 * writes those bytes; the client must read them as production meant them.
 */

interface Meta {
  repository: string;
  path: string;
  commit: string;
  status: number;
  contentType: string;
}

const dir = path.join(import.meta.dirname, "fixtures");
const fixture = (name: string) => ({
  bytes: readFileSync(path.join(dir, name)),
  meta: JSON.parse(readFileSync(path.join(dir, `${name}.meta.json`), "utf8")) as Meta,
});

const fake = fakeRunpodForFile({ keepRequests: true });

/** Plays one recording; `hold` keeps the connection open afterwards, as the live route does. */
function replay(name: string, opts: { hold?: boolean } = {}) {
  const { bytes, meta } = fixture(name);
  fake.handle((_req, res) => {
    res.writeHead(meta.status, { "content-type": meta.contentType });
    if (opts.hold) res.write(bytes);
    else res.end(bytes);
  });
  return meta;
}

const client = () => createRunpodClient({ apiKey: "rpa_CONTRACT_0123456789", restBase: fake.url, retries: 2, timeoutMs: 2_000, sleep: async () => undefined });

describe("worker log route: RunPod's recorded production bytes through lib/runpod", () => {
  it("prod SSE frames (runpodctl TestDecodeLogSSEParsesProdFrames): bare-timestamp ids, whole seconds for system, ns for container", async () => {
    const meta = replay("prod-log-frames.sse", { hold: true });
    expect(meta.repository).toBe("runpod/runpodctl");
    const out = await client().workerLogs("ep1", "w1", { maxDurationMs: 5_000, idleMs: 150 });
    expect(out.endedBy).toBe("idle");
    expect(out.lines).toEqual([
      { id: "2026-08-13T18:05:46Z", ts: "2026-08-13T18:05:46Z", source: "system", text: "create container alpine:latest", workerId: null },
      { id: "2026-08-13T18:06:15.101277472Z", ts: "2026-08-13T18:06:15.101277472Z", source: "container", text: "con693 log line 14", workerId: null },
    ]);
    // the cursor is the most recent frame's id, as runpodctl's follow resumes from it
    expect(out.lastEventId).toBe("2026-08-13T18:06:15.101277472Z");
  });

  it("prod 404 problem+json (runpodctl TestSnapshotReturnsAPIErrorWithCode) is a not_found error carrying the detail, not retried", async () => {
    replay("prod-log-404.json");
    const before = fake.requests.length;
    const e = (await client().workerLogs("ep1", "nope").catch((x: unknown) => x)) as RunpodError;
    expect(e).toBeInstanceOf(RunpodError);
    expect(e.kind).toBe("not_found");
    expect(e.status).toBe(404);
    expect(e.problem).toMatchObject({ detail: "pod not found", status: 404, title: "Not Found" });
    expect(fake.requests.length - before).toBe(1);
  });

  it("the JSON snapshot prod sent on 2026-07-06 (runpod-mcp aabfd76), declared text/event-stream: lines merged by time, source applied here", async () => {
    const meta = replay("prod-log-json-snapshot.json");
    expect(meta.commit.startsWith("aabfd76")).toBe(true);
    const both = await client().workerLogs("ep1", "w1", { maxDurationMs: 5_000 });
    expect(both.endedBy).toBe("eof");
    expect(both.lines.map((l) => [l.source, l.ts, l.text])).toEqual([
      ["system", "2026-07-06T15:24:56Z", "create container"],
      ["container", "2026-07-06T15:24:58.7Z", "CUDA 12.4.1"],
      ["container", "2026-07-06T15:24:59.6Z", "pod is ready"],
    ]);
    expect(both.lastEventId).toBe("2026-07-06T15:24:59.6Z");
    const container = await client().workerLogs("ep1", "w1", { source: "container", maxDurationMs: 5_000 });
    expect(container.lines.map((l) => l.text)).toEqual(["CUDA 12.4.1", "pod is ready"]);
    // the snapshot stays open like the stream: it is read as soon as it is one whole JSON document
    replay("prod-log-json-snapshot.json", { hold: true });
    const held = await client().workerLogs("ep1", "w1", { maxDurationMs: 5_000 });
    expect(held.endedBy).toBe("eof");
    expect(held.lines).toHaveLength(3);
  });

  it("production withholds headers until it has a line (runpodctl logs.go): that read is quiet, one request, no error", async () => {
    fake.handle(() => undefined);
    const before = fake.requests.length;
    const out = await client().workerLogs("ep1", "w1", { lastEventId: "2026-08-13T18:06:15.101277472Z", maxDurationMs: 5_000, connectTimeoutMs: 150 });
    expect(out).toEqual({ lines: [], lastEventId: "2026-08-13T18:06:15.101277472Z", endedBy: "quiet" });
    expect(fake.requests.length - before).toBe(1);
  });
});
