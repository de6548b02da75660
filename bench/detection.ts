/**
 * `npm run bench detection [-- --loops 30 --mb 100]`: detection latency and classifier throughput, figures only.
 *
 * 1. Latency: an in-process simulator (virtual clock) runs `--loops` random_device crash loops (one endpoint
 *    each, start-up and crash timings varied so crashes fall at every phase of the poll schedule), each with
 *    one queued job; the real poller (default intervals: workers/logs every 15 s, health 10 s, jobs 3 s,
 *    tick 500 ms) runs with the detection module against a real PostgreSQL. For every loop it measures the
 *    time from the second crash becoming visible in RunPod's APIs (the simulator printing the what() line,
 *    readable from the log stream at once) to the flag being written to the job row (Job.verdictAt of the
 *    flagging pass; GET /api/jobs reads that column). Prints p50/p95/max against one poll interval.
 * 2. Classifier throughput next to a plain RegExp scan over the same text (bench/classifier.ts), same run.
 *
 * Database: TEST_DATABASE_URL / DATABASE_URL (a scratch database is created on that server and dropped),
 * else an embedded PostgreSQL in a temp folder.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createCtx } from "@/lib/ctx";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { CRASH_LOOP_FLAG } from "@/lib/domain/crash/verdict";
import { noClassifierBenchAutorun, printClassifierBench, runClassifierBench } from "./classifier";

noClassifierBenchAutorun();

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : def;
  return Number.isFinite(v) && v > 0 ? v : def;
};
const LOOPS = Math.min(200, Math.round(opt("loops", 30)));
const MB = opt("mb", 100);
const STEP_MS = 500;

function pct(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function withDatabase<T>(fn: () => Promise<T>): Promise<T> {
  const { startEmbeddedPostgres } = await import("@/lib/db/embedded");
  const { applyMigrations } = await import("@/lib/db/migrate");
  const { poolConfigFromUrl, withDatabase: dbUrl } = await import("@/lib/db/pg-config");
  const external = process.env.TEST_DATABASE_URL?.trim() || process.env.DATABASE_URL?.trim();
  let stopEmbedded: (() => Promise<void>) | null = null;
  let dir: string | null = null;
  let server = external;
  if (!server) {
    dir = mkdtempSync(path.join(tmpdir(), "sweepwatch-bench-pg-"));
    const e = await startEmbeddedPostgres({ dataDir: dir, port: 0, writeStateFile: false });
    server = e.url;
    stopEmbedded = () => e.stop();
  }
  const name = `sweepwatch_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client(poolConfigFromUrl(server));
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = dbUrl(server, name);
  await applyMigrations(url);
  process.env.DATABASE_URL = url;
  try {
    return await fn();
  } finally {
    const c = new pg.Client(poolConfigFromUrl(server));
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
    await c.end();
    await stopEmbedded?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

async function latency() {
  const { setupPollerTest, TEST_POLLER_CONFIG } = await import("@/lib/poller/testing");
  const { submitJob } = await import("@/lib/jobs/service");
  const { createDetectionModule } = await import("@/lib/incidents/detection/module");
  const { DEFAULT_POLLER_CONFIG } = await import("@/lib/poller/config");
  const endpoints = Array.from({ length: LOOPS }, (_, i) => ({
    name: `rd${i}`,
    workers: { min: 1, max: 1, idleTimeout: 5 },
    coldStartMs: 3_000 + ((i * 1_373) % 11_000),
    restartMs: 1_000 + ((i * 577) % 3_000),
    behaviour: {
      type: "crash_loop" as const,
      crash: "random_device" as const,
      crashAfterMs: 2_000 + ((i * 911) % 5_000),
      backoff: { initialMs: 5_000 + ((i * 2_131) % 10_000), factor: 2, maxMs: 60_000 },
    },
  }));
  const env = await setupPollerTest({ endpoints });
  const config = { ...DEFAULT_POLLER_CONFIG, ...TEST_POLLER_CONFIG, logsIntervalMs: DEFAULT_POLLER_CONFIG.logsIntervalMs, tickMs: STEP_MS, managementPerMinute: 5_000 };
  const poller = env.poller({ config, modules: [createDetectionModule({ everyMs: STEP_MS })] });
  try {
    await poller.tick();
    const now = () => new Date(env.sim.clock.now());
    const jobs = new Map<string, string>();
    for (const e of endpoints) {
      const j = await submitJob({ endpointId: env.ep(e.name), input: { x1: 1, x2: 2 } }, createCtx({ db: env.prisma, runpod: env.client, now: now }));
      jobs.set(e.name, j.id);
    }
    const flaggedAt = new Map<string, number>();
    const started = performance.now();
    for (let t = 0; t < 6 * 60_000 && flaggedAt.size < LOOPS; t += STEP_MS) {
      await env.advance(STEP_MS);
      await poller.tick();
      if (t % 2_000 === 0 || flaggedAt.size > LOOPS - 3) {
        const rows = await env.prisma.job.findMany({ where: { id: { in: [...jobs.values()] }, flag: CRASH_LOOP_FLAG }, select: { id: true, verdictAt: true } });
        for (const r of rows) if (!flaggedAt.has(r.id)) flaggedAt.set(r.id, r.verdictAt!.getTime());
      }
    }
    const wall = (performance.now() - started) / 1000;
    const lat: number[] = [];
    let missing = 0;
    for (const e of endpoints) {
      const sim = env.sim.state.getEndpoint(env.ep(e.name))!;
      const whats: number[] = [];
      for (const w of sim.workers.values()) for (const l of env.sim.state.logLines(w)) if (l.line.includes("random_device could not be read")) whats.push(l.ts);
      whats.sort((a, b) => a - b);
      const flag = flaggedAt.get(jobs.get(e.name)!);
      if (whats.length < 2 || flag === undefined) {
        missing++;
        continue;
      }
      lat.push(flag - whats[1]);
    }
    lat.sort((a, b) => a - b);
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const interval = config.workersIntervalMs;
    process.stdout.write(
      [
        `detection latency: second crash visible in RunPod's APIs → flag on the queued job (${lat.length} crash loops, virtual clock, real PostgreSQL, ${wall.toFixed(0)} s wall)`,
        `  poll intervals: workers+logs ${s(interval)}, health ${s(config.healthIntervalMs)}, jobs ${s(config.jobsIntervalMs)}, tick ${s(STEP_MS)}`,
        `  p50 ${s(pct(lat, 50))}   p95 ${s(pct(lat, 95))}   max ${s(lat[lat.length - 1] ?? NaN)}   min ${s(lat[0] ?? NaN)}`,
        `  within one poll interval (${s(interval)}): ${lat.filter((x) => x <= interval).length}/${lat.length}${missing ? `; ${missing} loop(s) not flagged within 6 simulated minutes` : ""}`,
      ].join("\n") + "\n",
    );
  } finally {
    await poller.stop();
    await env.close();
  }
}

async function main() {
  await withDatabase(latency);
  printClassifierBench(runClassifierBench({ mb: MB }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
