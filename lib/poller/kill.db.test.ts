/**
 * Real processes: `tsx lib/poller/main.ts` against a real-clock simulator, killed with SIGKILL,
 * another one takes over; then SIGTERM stops a poller cleanly. Conditions are awaited, never slept on.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createCtx } from "@/lib/ctx";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, type PrismaClient } from "@/lib/db";
import { submitJob } from "@/lib/jobs/service";
import { createRunpodClient } from "@/lib/runpod/client";
import { startSimulator, type Simulator } from "@/lib/simulator";
import { createScratchDatabase, type ScratchDatabase } from "@/scripts/scratch-db";

const root = path.resolve(import.meta.dirname, "../..");
const LEASE_MS = 2_000;

let db: ScratchDatabase;
let prisma: PrismaClient;
let sim: Simulator;
const children: ChildProcess[] = [];

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function spawnPoller(): ChildProcess {
  // node --import tsx (not the tsx wrapper): the pid is the poller itself, so SIGKILL really kills it
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "lib/poller/main.ts")], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      RUNPOD_API_KEY: sim.apiKey,
      RUNPOD_API_BASE: sim.url,
      RUNPOD_REST_BASE: sim.url,
      SWEEPWATCH_MODE: "live",
      POLLER_LEASE_MS: String(LEASE_MS),
      POLL_HEALTH_INTERVAL_MS: "500",
      POLL_WORKERS_INTERVAL_MS: "1000",
      POLL_JOBS_INTERVAL_MS: "400",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  child.stdout!.resume();
  child.on("exit", (code, signal) => {
    if (code !== 0 && signal !== "SIGKILL") process.stderr.write(`poller child exited ${code ?? signal}: ${err}\n`);
  });
  children.push(child);
  return child;
}

const holderOf = (pid: number) => `-${pid}-`;

async function holders(): Promise<Map<string, string>> {
  const rows = await prisma.lease.findMany({ where: { resource: { startsWith: "endpoint:" } } });
  return new Map(rows.map((r) => [r.resource, r.holder]));
}

beforeAll(async () => {
  db = await createScratchDatabase("sweepwatch_kill");
  prisma = createPrismaClient(db.url, { max: 4 });
  sim = await startSimulator({
    clock: "real",
    scenario: {
      name: "kill-test",
      rateLimits: { management: { minute: 10_000, hour: 100_000, day: 1_000_000 } },
      endpoints: ["ka", "kb", "kc"].map((id) => ({
        id,
        workers: { min: 1, max: 1, idleTimeout: 60 },
        coldStartMs: 200,
        jobDurationMs: { min: 300, max: 300 },
        behaviour: { type: "healthy" as const, failureRate: 0 },
      })),
    },
  });
}, 60_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await sim?.close();
  await prisma?.$disconnect();
  await db?.cleanup();
});

describe("poller processes", () => {
  it("kill -9: another process takes the endpoints over within one lease period, nothing lost or doubled", async () => {
    const a = spawnPoller();
    await until("poller A to lease all endpoints", async () => {
      const h = await holders();
      return h.size === 3 && [...h.values()].every((x) => x.includes(holderOf(a.pid!)));
    });
    const client = createRunpodClient({ apiKey: sim.apiKey, apiBase: sim.url, restBase: sim.url });
    const jobs = [];
    for (const ep of ["ka", "kb", "kc"]) jobs.push(await submitJob({ endpointId: ep, input: { x1: 1, x2: 2 } }, createCtx({ db: prisma, runpod: client })));

    a.kill("SIGKILL");
    await until("A to die", async () => a.signalCode === "SIGKILL");
    // read after the kill: A can no longer renew, so these are the expiry times that count
    const leasesBefore = await prisma.lease.findMany({ where: { resource: { startsWith: "endpoint:" } } });
    expect(leasesBefore.every((l) => l.holder.includes(holderOf(a.pid!)))).toBe(true);
    const latestExpiry = Math.max(...leasesBefore.map((l) => l.expiresAt.getTime()));

    const b = spawnPoller();
    const takenAt = await until("poller B to hold all endpoints", async () => {
      const rows = await prisma.lease.findMany({ where: { resource: { startsWith: "endpoint:" } } });
      return rows.length === 3 && rows.every((r) => r.holder.includes(holderOf(b.pid!))) ? Math.max(...rows.map((r) => r.acquiredAt.getTime())) : null;
    });
    const bInstance = await prisma.pollerInstance.findFirstOrThrow({ where: { id: { contains: holderOf(b.pid!) } } });
    // B takes over as soon as both A's leases have expired and B is up (plus at most a tick or two)
    expect(takenAt - Math.max(latestExpiry, bInstance.startedAt.getTime())).toBeLessThanOrEqual(2_000);
    expect(takenAt - latestExpiry).toBeGreaterThanOrEqual(0);

    // every job is completed, each transition recorded exactly once
    for (const j of jobs) {
      await until(`job ${j.id} completed`, async () => (await prisma.job.findUnique({ where: { id: j.id } }))?.status === "COMPLETED");
      const t = await prisma.jobTransition.findMany({ where: { jobId: j.id }, orderBy: { at: "asc" } });
      const statuses = t.map((x) => x.toStatus);
      expect(new Set(statuses).size).toBe(statuses.length);
      expect(statuses[0]).toBe("IN_QUEUE");
      expect(statuses.at(-1)).toBe("COMPLETED");
    }
    const dupSnaps = await prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM (SELECT "endpointId", "takenAt" FROM health_snapshots GROUP BY 1, 2 HAVING count(*) > 1) d`;
    expect(Number(dupSnaps[0].n)).toBe(0);
    const dupAppeared = await prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM (SELECT "endpointId", "workerId" FROM worker_events WHERE kind = 'appeared' GROUP BY 1, 2 HAVING count(*) > 1) d`;
    expect(Number(dupAppeared[0].n)).toBe(0);

    // SIGTERM: B finishes its tick, gives its leases back, marks itself stopped, exits 0
    const exited = new Promise<number | null>((resolve) => b.once("exit", (code) => resolve(code)));
    b.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect((await holders()).size).toBe(0);
    const stopped = await prisma.pollerInstance.findUniqueOrThrow({ where: { id: bInstance.id } });
    expect(stopped.stoppedAt).not.toBeNull();
    expect(stopped.lastTickAt).not.toBeNull();
  });
});
