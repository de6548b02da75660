/**
 * `npm run bench sweeps [-- --trials 100000 --iterations 40 --keep]`
 *
 * Loads N trials (default 100,000) into one sweep with one set-based INSERT ... SELECT
 * generate_series, then prints p50/p95 latency of what the sweep page asks for: the trial
 * table page (by number, by metric, a deep keyset page, a filtered page), the sweep detail,
 * the history chart data, the parallel-coordinates data and the whole analysis. It calls the
 * lib/data functions; with BENCH_BASE_URL (+ BENCH_TOKEN, an API token) it also times the
 * HTTP routes of a running server. Target: every answer under 200 ms p95.
 *
 * Database: DATABASE_URL, else the running embedded server (as the app resolves it). The bench
 * creates its own endpoint and sweep and deletes them at the end (unless --keep).
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { createPrismaClient } from "@/lib/db";
import { resolveDatabaseUrl } from "@/lib/db/embedded-state";
import { redactDatabaseUrl } from "@/lib/db/pg-config";
import { getSweep, getSweepAnalysis, getSweepHistory, getSweepParameterViews, listSweeps, listTrials } from "@/lib/sweeps/repository";
import { createCtx } from "@/lib/ctx";

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const N = arg("trials", 100_000);
const ITER = arg("iterations", 40);
const KEEP = process.argv.includes("--keep");

const url = resolveDatabaseUrl();
const prisma = createPrismaClient(url, { max: 8 });
const tag = randomBytes(3).toString("hex");
const endpointId = `bench-sweeps-${tag}`;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

const rows: { name: string; p50: number; p95: number; max: number; note: string }[] = [];

async function measure(name: string, fn: () => Promise<unknown>, note = "") {
  for (let i = 0; i < 3; i++) await fn();
  const t: number[] = [];
  let last: unknown;
  for (let i = 0; i < ITER; i++) {
    const s = performance.now();
    last = await fn();
    t.push(performance.now() - s);
  }
  rows.push({ name, p50: pct(t, 50), p95: pct(t, 95), max: Math.max(...t), note });
  return last;
}

async function main() {
  console.log(`sweeps bench: ${N.toLocaleString()} trials, ${ITER} iterations per measurement, database ${redactDatabaseUrl(url)}`);
  await prisma.endpoint.create({ data: { id: endpointId, name: "bench sweeps" } });
  const config = {
    method: "bayes",
    metric: { name: "loss", goal: "minimize" },
    parameters: {
      x1: { distribution: "uniform", min: -5, max: 10 },
      x2: { distribution: "uniform", min: 0, max: 15 },
      lr: { distribution: "log_uniform_values", min: 0.0001, max: 0.1 },
      optimizer: { values: ["adam", "sgd", "rmsprop"] },
      batch_size: { values: [16, 32, 64, 128] },
    },
  };
  const sweep = await prisma.sweep.create({
    data: { endpointId, name: `bench ${tag}`, method: "bayes", config, metricName: "loss", metricGoal: "minimize", parallel: 8, state: "running", startedAt: new Date(Date.now() - 86_400_000) },
  });

  const t0 = performance.now();
  // Branin on (x1, x2) plus a little from the other params, so importance has something to find.
  const inserted = await prisma.$executeRaw`
    INSERT INTO trials (id, "sweepId", number, params, status, "idempotencyKey", attempt, "metricValue", "jobId", "workerId",
                        "submitIntentAt", "submittedAt", "startedAt", "finishedAt", "createdAt", "updatedAt")
    SELECT 'bt' || ${tag} || '-' || g, ${sweep.id}, g,
           jsonb_build_object('x1', x1, 'x2', x2, 'lr', lr, 'optimizer', opt, 'batch_size', bs),
           (CASE WHEN g % 97 = 0 THEN 'failed' WHEN g > ${N} - 8 THEN 'running' ELSE 'completed' END)::trial_status,
           ${sweep.id} || ':' || g, 1,
           CASE WHEN g % 97 = 0 OR g > ${N} - 8 THEN NULL
                ELSE power(x2 - 5.1 / (4 * pi() ^ 2) * x1 ^ 2 + 5 / pi() * x1 - 6, 2) + 10 * (1 - 1 / (8 * pi())) * cos(x1) + 10
                     + CASE opt WHEN 'sgd' THEN 2 ELSE 0 END + random() * 0.1 END,
           'bj' || ${tag} || '-' || g, 'w' || (g % 5),
           ts, ts, ts + interval '5 seconds', ts + interval '35 seconds', ts, ts
    FROM (
      SELECT g, -5 + random() * 15 AS x1, random() * 15 AS x2, exp(ln(0.0001) + random() * (ln(0.1) - ln(0.0001))) AS lr,
             (ARRAY['adam', 'sgd', 'rmsprop'])[1 + (g % 3)] AS opt, (ARRAY[16, 32, 64, 128])[1 + (g % 4)] AS bs,
             now() - interval '1 day' + g * interval '800 milliseconds' AS ts
      FROM generate_series(1, ${N}) AS g
    ) s`;
  // steady state: autovacuum would have run by the time anyone looks at 100,000 trials
  await prisma.$executeRawUnsafe("VACUUM ANALYZE trials");
  console.log(`loaded ${inserted.toLocaleString()} trials in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const id = sweep.id;
  const ctx = createCtx({ db: prisma });
  const deep = await listTrials({ sweepId: id, limit: 50, sort: "metric", cursor: undefined }, ctx);
  // a cursor half-way down the metric order: walk there with big pages once
  let cursor = deep.nextCursor;
  for (let i = 0; i < 5 && cursor; i++) cursor = (await listTrials({ sweepId: id, limit: 500, sort: "metric", cursor }, ctx)).nextCursor;

  await measure("trial page (by number, newest first)", () => listTrials({ sweepId: id, limit: 50, sort: "number" }, ctx));
  await measure("trial page (by metric, best first)", () => listTrials({ sweepId: id, limit: 50, sort: "metric" }, ctx));
  await measure("trial page (by metric, 2,550 rows deep)", () => listTrials({ sweepId: id, limit: 50, sort: "metric", cursor: cursor ?? undefined }, ctx));
  await measure("trial page (status=failed, by metric)", () => listTrials({ sweepId: id, limit: 50, sort: "metric", status: ["failed"] }, ctx));
  await measure("trial page (status=completed,running, by metric)", () => listTrials({ sweepId: id, limit: 50, sort: "metric", status: ["completed", "running"] }, ctx));
  await measure("sweep detail (progress, ETA, best)", () => getSweep({ id }, ctx));
  await measure("sweep list (50)", () => listSweeps({ limit: 50 }, ctx));
  const h = (await measure("history chart data (1,000 points)", () => getSweepHistory({ sweepId: id, points: 1000 }, ctx))) as Awaited<ReturnType<typeof getSweepHistory>>;
  const pc = (await measure("parallel coordinates + importance + slices (1,000 points)", () => getSweepParameterViews({ sweepId: id, points: 1000 }, ctx))) as Awaited<
    ReturnType<typeof getSweepParameterViews>
  >;
  await measure("whole analysis (history, parcoords, importance, slices, timeline)", () => getSweepAnalysis({ sweepId: id, points: 1000 }, ctx));

  const base = process.env.BENCH_BASE_URL;
  if (base) {
    const headers: Record<string, string> = process.env.BENCH_TOKEN ? { authorization: `Bearer ${process.env.BENCH_TOKEN}` } : {};
    const get = (path: string) => async () => {
      const r = await fetch(`${base}${path}`, { headers });
      if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
      return r.arrayBuffer();
    };
    await measure("HTTP GET /api/sweeps/{id}/trials?sort=metric", get(`/api/sweeps/${id}/trials?sort=metric&limit=50`));
    await measure("HTTP GET /api/sweeps/{id}", get(`/api/sweeps/${id}`));
    await measure("HTTP GET /api/sweeps/{id}/analysis", get(`/api/sweeps/${id}/analysis?points=1000`));
  } else {
    console.log("(HTTP routes not timed: set BENCH_BASE_URL=http://127.0.0.1:3000 and BENCH_TOKEN=<viewer API token> with the app running)");
  }

  const w = Math.max(...rows.map((r) => r.name.length));
  console.log(`\n${"measurement".padEnd(w)}   p50 ms   p95 ms   max ms`);
  for (const r of rows) console.log(`${r.name.padEnd(w)}  ${r.p50.toFixed(1).padStart(7)}  ${r.p95.toFixed(1).padStart(7)}  ${r.max.toFixed(1).padStart(7)}${r.p95 > 200 ? "   over the 200 ms target" : ""}`);
  console.log(`\nhistory: ${h.points.length} points (bucket ${h.bucketSize}); parallel coordinates: ${pc.parallel.rows.length} rows x ${pc.parallel.dimensions.length} dimensions`);
  console.log(`importance: ${pc.importance.map((i) => `${i.param} ${i.importance}`).join(", ")}`);
  console.log(`sweep id: ${id}${KEEP ? " (kept)" : ""}`);
}

try {
  await main();
} finally {
  if (!KEEP) {
    await prisma.sweep.deleteMany({ where: { endpointId } });
    await prisma.auditLog.deleteMany({ where: { targetType: "sweep", targetId: { startsWith: "bench" } } });
    await prisma.endpoint.deleteMany({ where: { id: endpointId } });
  }
  await prisma.$disconnect();
}
