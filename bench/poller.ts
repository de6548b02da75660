/**
 * `npm run bench poller`: sweepwatch's poller against a naive baseline (every non-terminal job's
 * /status every interval, /health and the worker list of every endpoint on a fixed cadence, no quota
 * awareness), each against its own in-process simulator (same scenario, same seed: 50 endpoints,
 * 10,000 in-flight jobs), on a virtual clock so minutes of RunPod time run in less real time.
 *
 * Prints for each: RunPod calls per simulated minute (jobs API / management API), status staleness
 * p50/p95 by the state a job entered (how long after the change the tracker knew it), 429s received,
 * CPU time and memory. Measurement starts after a warm-up minute (the 10,000 first polls of freshly
 * submitted jobs are not steady state).
 *
 * Needs PostgreSQL: a scratch database on TEST_DATABASE_URL / DATABASE_URL's server, else an embedded one.
 * Options: --minutes N (measured simulated minutes, default 3), --baseline-minutes N (default 1),
 * --jobs N (default 10000), --endpoints N (default 50).
 */
import pLimit from "p-limit";
import { createCtx } from "@/lib/ctx";
import { createPrismaClient } from "@/lib/db";
import { submitJob } from "@/lib/jobs/service";
import { createPoller } from "@/lib/poller/runner";
import { createRunpodClient, type RunpodClient } from "@/lib/runpod/client";
import { isTerminalJobStatus } from "@/lib/domain/job/status";
import { startSimulator, type Simulator } from "@/lib/simulator";
import type { ScenarioInput } from "@/lib/simulator/scenario";
import { createScratchDatabase } from "@/scripts/scratch-db";

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : def;
  return Number.isFinite(v) && v > 0 ? v : def;
};
const MINUTES = opt("minutes", 3);
const BASELINE_MINUTES = opt("baseline-minutes", 1);
const JOBS = opt("jobs", 10_000);
const ENDPOINTS = opt("endpoints", 50);
const WARMUP_MS = 60_000;
const STEP_MS = 250;
const SAMPLE_MS = 5_000;
const INTERVALS = { healthIntervalMs: 10_000, workersIntervalMs: 15_000, jobsIntervalMs: 3_000 };

process.env.LOG_LEVEL ??= "error";

function scenario(): ScenarioInput {
  const endpoints: NonNullable<ScenarioInput["endpoints"]> = [];
  for (let i = 0; i < ENDPOINTS; i++) {
    const id = `bench-${String(i).padStart(2, "0")}`;
    if (i % 10 === 8) {
      endpoints.push({ id, workers: { min: 1, max: 2, idleTimeout: 60 }, coldStartMs: 5_000, behaviour: { type: "crash_loop", crash: "random_device", crashAfterMs: 4_000, backoff: { initialMs: 10_000, factor: 2, maxMs: 60_000 } } });
    } else if (i % 10 === 9) {
      endpoints.push({ id, workers: { min: 0, max: 2, idleTimeout: 5 }, behaviour: { type: "no_capacity", mode: "throttled" } });
    } else {
      endpoints.push({ id, workers: { min: 1, max: 3, idleTimeout: 60 }, coldStartMs: 5_000, jobDurationMs: { min: 15_000, max: 45_000 }, behaviour: { type: "healthy", failureRate: 0.02 } });
    }
  }
  // RunPod's documented management quota example (60/min); the jobs API limits as documented.
  return { name: "bench-poller", endpoints };
}

interface Counters {
  jobs: number;
  management: number;
  r429: number;
}

function countingFetch(c: Counters, active: () => boolean): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    if (active()) {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      if (/\/v2\/serverless/.test(url)) c.management++;
      else c.jobs++;
      if (res.status === 429) c.r429++;
    }
    return res;
  };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

interface Tracked {
  id: string;
  endpointId: string;
}

/** When the simulator says a job entered its current state. */
function trueState(sim: Simulator, id: string): { status: string; since: number } | null {
  const j = sim.state.jobs.get(id);
  if (!j) return null;
  const since = isTerminalJobStatus(j.status) ? (j.finishedAt ?? j.startedAt ?? j.createdAt) : j.status === "IN_PROGRESS" ? (j.startedAt ?? j.createdAt) : j.createdAt;
  return { status: j.status, since };
}

interface Result {
  name: string;
  measuredMinutes: number;
  counters: Counters;
  /** Detection delay (ms) per state entered: IN_PROGRESS, COMPLETED/FAILED. */
  staleness: Map<string, number[]>;
  /** Per sample: how long the tracker's status had been wrong (0 when right), by true state. */
  wrongFor: Map<string, number[]>;
  cpuMs: number;
  realMs: number;
  peakRssMb: number;
  peakHeapMb: number;
}

function bucket(status: string) {
  return status === "COMPLETED" || status === "FAILED" || status === "CANCELLED" || status === "TIMED_OUT" ? "finished" : status;
}

async function runPhase(
  name: string,
  measureMinutes: number,
  warmupMs: number,
  setup: (sim: Simulator, client: RunpodClient) => Promise<{ tick(): Promise<void>; known(): Promise<Map<string, { status: string; at: number }>>; close(): Promise<void> }>,
): Promise<Result> {
  const counters: Counters = { jobs: 0, management: 0, r429: 0 };
  let measuring = false;
  const sim = await startSimulator({ scenario: scenario(), clock: "virtual", seed: 7, startTime: "2026-06-01T12:00:00Z" });
  const client = createRunpodClient({
    apiKey: sim.apiKey,
    apiBase: sim.url,
    restBase: sim.url,
    retries: 0,
    timeoutMs: 30_000,
    maxRateLimitWaitMs: 0,
    clock: () => sim.clock.now(),
    sleep: async () => undefined,
    fetch: countingFetch(counters, () => measuring),
  });
  const runner = await setup(sim, client);
  const staleness = new Map<string, number[]>();
  const wrongFor = new Map<string, number[]>();
  const seenChange = new Set<string>();
  const start = sim.clock.now();
  const measureFrom = start + warmupMs;
  const end = measureFrom + measureMinutes * 60_000;
  let nextSample = measureFrom;
  let cpu0 = process.cpuUsage();
  let real0 = Date.now();
  let peakRss = 0;
  let peakHeap = 0;
  while (sim.clock.now() < end) {
    if (!measuring && sim.clock.now() >= measureFrom) {
      measuring = true;
      cpu0 = process.cpuUsage();
      real0 = Date.now();
    }
    await runner.tick();
    if (measuring && sim.clock.now() >= nextSample) {
      nextSample += SAMPLE_MS;
      const now = sim.clock.now();
      const known = await runner.known();
      for (const [id, k] of known) {
        const t = trueState(sim, id);
        if (!t) continue;
        const b = bucket(t.status);
        const wrong = bucket(k.status) === b ? 0 : now - t.since;
        (wrongFor.get(b) ?? wrongFor.set(b, []).get(b)!).push(wrong);
        // detection delay of the latest change, counted once per job and state
        const key = `${id}:${b}`;
        if (b !== "IN_QUEUE" && t.since >= measureFrom && !seenChange.has(key)) {
          if (bucket(k.status) === b) {
            seenChange.add(key);
            (staleness.get(b) ?? staleness.set(b, []).get(b)!).push(Math.max(0, k.at - t.since));
          }
        }
      }
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }
    await sim.advanceAsync(STEP_MS, STEP_MS);
  }
  measuring = false;
  const cpu = process.cpuUsage(cpu0);
  const realMs = Date.now() - real0;
  // changes never detected by the end count with their full age
  const known = await runner.known();
  for (const [id, k] of known) {
    const t = trueState(sim, id);
    if (!t) continue;
    const b = bucket(t.status);
    if (b !== "IN_QUEUE" && t.since >= measureFrom && !seenChange.has(`${id}:${b}`) && bucket(k.status) !== b) {
      (staleness.get(b) ?? staleness.set(b, []).get(b)!).push(end - t.since);
    }
  }
  await runner.close();
  await sim.close();
  return { name, measuredMinutes: measureMinutes, counters, staleness, wrongFor, cpuMs: (cpu.user + cpu.system) / 1000, realMs, peakRssMb: peakRss / 2 ** 20, peakHeapMb: peakHeap / 2 ** 20 };
}

async function submitAll(sim: Simulator, submit: (endpointId: string, i: number) => Promise<string>): Promise<Tracked[]> {
  const ids = [...sim.state.endpoints.keys()];
  const limit = pLimit(32);
  const out: Tracked[] = [];
  await Promise.all(
    Array.from({ length: JOBS }, (_, i) =>
      limit(async () => {
        const endpointId = ids[i % ids.length];
        out.push({ id: await submit(endpointId, i), endpointId });
      }),
    ),
  );
  return out;
}

const input = (i: number) => ({ x1: ((i * 7) % 150) / 10 - 5, x2: ((i * 11) % 150) / 10 });

async function main() {
  const t0 = Date.now();
  process.stdout.write(`bench poller: ${ENDPOINTS} endpoints, ${JOBS} in-flight jobs, warm-up 60 s / 15 s, then ${MINUTES} simulated min (sweepwatch) and ${BASELINE_MINUTES} (baseline)\n`);
  const db = await createScratchDatabase("sweepwatch_bench");
  const prisma = createPrismaClient(db.url, { max: 20 });
  const results: Result[] = [];
  try {
    results.push(
      await runPhase("sweepwatch", MINUTES, WARMUP_MS, async (sim, client) => {
        const poller = createPoller({
          prisma,
          client,
          clock: sim.clock,
          instanceId: "bench-poller",
          config: { ...INTERVALS, concurrency: 16, leaseMs: 120_000, logReadMs: 2_000, logHeadersMs: 100, logIdleMs: 100 },
          modules: [],
        });
        await poller.tick(); // discovery
        const now = () => new Date(sim.clock.now());
        const tracked = await submitAll(sim, async (endpointId, i) => (await submitJob({ endpointId, input: input(i) }, createCtx({ db: prisma, runpod: client, now: now }))).id);
        process.stdout.write(`  sweepwatch: ${tracked.length} jobs submitted (${Math.round((Date.now() - t0) / 1000)} s)\n`);
        return {
          tick: async () => {
            await poller.tick();
          },
          known: async () => {
            const rows = await prisma.job.findMany({ select: { id: true, status: true, statusChangedAt: true } });
            return new Map(rows.map((r) => [r.id, { status: r.status, at: r.statusChangedAt.getTime() }]));
          },
          close: () => poller.stop(),
        };
      }),
    );
    process.stdout.write(`  sweepwatch phase done (${Math.round((Date.now() - t0) / 1000)} s)\n`);
    results.push(
      // the baseline is in steady state after its first round; a shorter warm-up keeps the run short
      await runPhase("naive baseline", BASELINE_MINUTES, 15_000, async (sim, client) => {
        const endpoints = [...sim.state.endpoints.keys()];
        const known = new Map<string, { status: string; at: number; endpointId: string }>();
        const tracked = await submitAll(sim, async (endpointId, i) => (await client.run(endpointId, { input: input(i) })).id);
        for (const t of tracked) known.set(t.id, { status: "IN_QUEUE", at: sim.clock.now(), endpointId: t.endpointId });
        const limit = pLimit(64);
        let healthAt = -Infinity;
        let workersAt = -Infinity;
        let jobsAt = -Infinity;
        const safe = async (fn: () => Promise<unknown>) => {
          try {
            await fn();
          } catch {
            // a naive poller just tries again next round
          }
        };
        return {
          tick: async () => {
            const now = sim.clock.now();
            const work: Promise<unknown>[] = [];
            if (now - healthAt >= INTERVALS.healthIntervalMs) {
              healthAt = now;
              for (const ep of endpoints) work.push(limit(() => safe(() => client.health(ep))));
            }
            if (now - workersAt >= INTERVALS.workersIntervalMs) {
              workersAt = now;
              for (const ep of endpoints) work.push(limit(() => safe(() => client.listWorkers(ep))));
            }
            if (now - jobsAt >= INTERVALS.jobsIntervalMs) {
              jobsAt = now;
              for (const [id, k] of known) {
                if (isTerminalJobStatus(k.status)) continue;
                work.push(
                  limit(() =>
                    safe(async () => {
                      const r = await client.status(k.endpointId, id);
                      const s = r.expired ? "EXPIRED" : r.job.status;
                      if (s !== k.status) known.set(id, { ...k, status: s, at: sim.clock.now() });
                    }),
                  ),
                );
              }
            }
            await Promise.all(work);
          },
          known: async () => known,
          close: async () => undefined,
        };
      }),
    );
  } finally {
    await prisma.$disconnect();
    await db.cleanup();
  }

  const line = (cells: string[], widths: number[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
  const fmtS = (ms: number) => (Number.isNaN(ms) ? "-" : `${(ms / 1000).toFixed(1)} s`);
  const widths = [16, 22, 22, 22, 22, 10, 24, 14];
  process.stdout.write(
    "\n" +
      line(["variant", "RunPod calls/min", "staleness IN_PROGRESS", "staleness finished", "wrong-status p95 (q/ip)", "429s", "CPU (per sim. minute)", "peak RSS"], widths) +
      "\n",
  );
  for (const r of results) {
    const perMin = (r.counters.jobs + r.counters.management) / r.measuredMinutes;
    const st = (k: string) => {
      const a = [...(r.staleness.get(k) ?? [])].sort((x, y) => x - y);
      return `${fmtS(percentile(a, 50))} / ${fmtS(percentile(a, 95))} (n=${a.length})`;
    };
    const wrong = (k: string) => fmtS(percentile([...(r.wrongFor.get(k) ?? [])].sort((x, y) => x - y), 95));
    process.stdout.write(
      line(
        [
          r.name,
          `${Math.round(perMin)} (jobs ${Math.round(r.counters.jobs / r.measuredMinutes)}, mgmt ${Math.round(r.counters.management / r.measuredMinutes)})`,
          st("IN_PROGRESS"),
          st("finished"),
          `${wrong("IN_QUEUE")} / ${wrong("IN_PROGRESS")}`,
          String(r.counters.r429),
          `${Math.round(r.cpuMs / r.measuredMinutes)} ms (${Math.round(r.realMs / 1000 / r.measuredMinutes)} s real)`,
          `${Math.round(r.peakRssMb)} MB (heap ${Math.round(r.peakHeapMb)})`,
        ],
        widths,
      ) + "\n",
    );
  }
  const [sw, base] = results;
  const ratio = (sw.counters.jobs + sw.counters.management) / sw.measuredMinutes / ((base.counters.jobs + base.counters.management) / base.measuredMinutes);
  const ip = [...(sw.staleness.get("IN_PROGRESS") ?? [])].sort((x, y) => x - y);
  process.stdout.write(
    `\nsweepwatch / baseline calls: ${(ratio * 100).toFixed(1)}% (target <= 10%); sweepwatch IN_PROGRESS staleness p95 ${fmtS(percentile(ip, 95))} ` +
      `(target <= ${INTERVALS.jobsIntervalMs / 1000} s); sweepwatch 429s: ${sw.counters.r429} (target 0)\n` +
      "staleness = time from a job entering a state (simulator's clock) until the tracker's status showed it; " +
      "wrong-status = per 5-s sample, how long a job's shown status had been wrong (0 when right).\n" +
      "CPU/memory are this process's (poller + in-process simulator + harness); calls are counted at the client's fetch.\n" +
      `total real time ${Math.round((Date.now() - t0) / 1000)} s\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
