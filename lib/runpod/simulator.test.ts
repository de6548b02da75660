import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "@/lib/simulator";
import { createRunpodClient, type RunpodClient } from "./client";
import { RunpodError } from "./errors";
import { canonicalLogTs } from "./logs";
import { fakeTime } from "./test-server";

// Integration: the typed client against the in-process RunPod simulator (virtual clock, demo scenario).
let sim: Simulator;
let c: RunpodClient;
const time = fakeTime();

beforeAll(async () => {
  sim = await startSimulator({ scenario: "demo", seed: 7 });
  c = createRunpodClient({ apiKey: sim.apiKey, apiBase: sim.url, restBase: sim.url, timeoutMs: 5000, retries: 2, clock: time.clock, sleep: time.sleep });
});
afterAll(() => sim.close());

const noFaults = { errorRate: 0, rateLimitRate: 0, malformedJsonRate: 0, dropConnectionRate: 0 };

describe("client against the simulator", () => {
  it("lists endpoints, submits a job, reads its status and maps an unknown job to expired", async () => {
    const eps = await c.listEndpoints();
    expect(eps.map((e) => e.id)).toContain("demo-randomdevice");
    const run = await c.run("demo-healthy", { input: { x1: 1, x2: 2 } });
    expect(run.status).toBe("IN_QUEUE");
    const st = await c.status("demo-healthy", run.id);
    expect(st.expired).toBe(false);
    expect(st.job?.id).toBe(run.id);
    expect(await c.status("demo-healthy", "no-such-job-u1")).toEqual({ expired: true, job: null });
    const h = await c.health("demo-healthy");
    expect(h.jobs.inQueue! + h.jobs.inProgress! + h.jobs.completed!).toBeGreaterThanOrEqual(1);
    // the simulator sends what RunPod documents: the undocumented worker counters are "not reported"
    expect(h.workers).toMatchObject({ idle: expect.any(Number), running: expect.any(Number), unhealthy: null, throttled: null });
    expect(c.rateLimitState().scopes.management.windows.length).toBeGreaterThan(0);
  });

  it("reads the crash-looping worker's random_device lines from the SSE log stream and resumes after the cursor's timestamp", async () => {
    await sim.advanceAsync(3 * 60_000, 1000);
    const { workers } = await c.listWorkers("demo-randomdevice");
    expect(workers.length).toBeGreaterThan(0);
    const lines = [];
    let cursor: string | null = null;
    for (const w of workers) {
      const out = await c.workerLogs("demo-randomdevice", w.id, { tail: 500, maxDurationMs: 1000, idleMs: 200 });
      lines.push(...out.lines);
      if (out.lines.length) {
        cursor = out.lastEventId;
        const again = await c.workerLogs("demo-randomdevice", w.id, { lastEventId: cursor, maxDurationMs: 500, idleMs: 150, connectTimeoutMs: 300 });
        // exclusive by time: only lines stamped after the cursor come back. When the cursor is a whole-second
        // system line, that includes the container lines (ns stamps) of its second, read before; storage
        // de-duplicates those by content
        const after = canonicalLogTs(cursor!)!;
        expect(again.lines.every((l) => canonicalLogTs(l.ts!)! > after)).toBe(true);
        if (again.lines.length === 0) expect(again.endedBy).toBe("quiet");
      }
    }
    expect(cursor).not.toBeNull();
    expect(lines.some((l) => l.text.includes("random_device could not be read"))).toBe(true);
  });

  it("survives the simulator's injected faults with the right error kinds", async () => {
    try {
      sim.setFaults({ ...noFaults, scope: "all", malformedJsonRate: 1 });
      expect((await c.health("demo-healthy").catch((e: unknown) => e)) as RunpodError).toMatchObject({ kind: "malformed" });

      sim.setFaults({ ...noFaults, errorRate: 1 });
      const server = (await c.health("demo-healthy").catch((e: unknown) => e)) as RunpodError;
      expect(server).toBeInstanceOf(RunpodError);
      expect(server.kind).toBe("server");
      expect(server.attempts).toBe(3);
      const ambiguous = (await c.run("demo-healthy", { input: {} }).catch((e: unknown) => e)) as RunpodError;
      expect(ambiguous.kind).toBe("ambiguous");

      sim.setFaults({ ...noFaults, rateLimitRate: 1 });
      const limited = (await c.listWorkers("demo-healthy").catch((e: unknown) => e)) as RunpodError;
      expect(limited.kind).toBe("rate_limited");
      expect(c.rateLimitState().total429).toBeGreaterThanOrEqual(1);
    } finally {
      sim.setFaults(noFaults);
    }
    time.advance(10 * 60_000);
    expect((await c.health("demo-healthy")).workers).toBeDefined();
  });
});
