/**
 * `npm run bench sweeps-render` — how long the browser takes to render a sweep page with many trials.
 *
 *   DATABASE_URL=postgresql://…  npm run bench sweeps-render -- --url http://127.0.0.1:3200 [--trials 100000] [--runs 7]
 *   npm run bench sweeps-render -- --url … --sweep <id>          measure an existing sweep (no seeding)
 *   npm run bench sweeps-render -- --seed-only --trials 400 --state running|crashloop|completed
 *
 * Without --sweep it seeds one sweep with --trials trials (SQL generate_series, a few seconds for
 * 100k) into DATABASE_URL — the database the server at --url reads. Then, for each run, a fresh
 * Chromium context opens /sweeps/<id> and the script records:
 *   - server:  time to the first byte of the HTML (server render with prefetched data)
 *   - usable:  the trial table shows rows and the best trial is on screen (what an engineer reads first)
 *   - charts:  the history chart and the parallel coordinates have drawn (analysis streamed in)
 * and prints p50 / p95 (target: usable under 2 s). Figures only, no assertions.
 * Chromium: PLAYWRIGHT_CHROMIUM_PATH, else /usr/bin/chromium.
 */
import { existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { CRASH_LOOP_FLAG } from "@/lib/domain/crash/verdict";
import { chromium } from "@playwright/test";

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = process.argv[i + 1];
  return v === undefined || v.startsWith("--") ? "true" : v;
}

type SeedState = "running" | "crashloop" | "completed";

const SEED_CONFIG = {
  method: "bayes",
  metric: { name: "val_loss", goal: "minimize", target: 0.05 },
  run_cap: 0,
  parameters: {
    batch_size: { values: [16, 32, 64, 128] },
    dropout: { distribution: "uniform", min: 0, max: 0.5 },
    layers: { distribution: "int_uniform", min: 2, max: 8 },
    lr: { distribution: "log_uniform_values", min: 0.00001, max: 0.1 },
    optimizer: { values: ["adam", "adamw", "sgd"] },
  },
  sweepwatch: { parallel: 8 },
};

/** Seeds an endpoint and one sweep with `trials` trials; returns the sweep id. */
export async function seedSweep(databaseUrl: string, opts: { trials: number; state: SeedState; name?: string }): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const tag = randomBytes(4).toString("hex");
  const endpointId = opts.state === "crashloop" ? `ep-crashloop-${tag}` : `ep-bench-${tag}`;
  // 23 chars, so trial ids (sweep id + "t" + number) fit the 32-character id column.
  const sweepId = `swb${tag}${randomBytes(6).toString("hex")}`.slice(0, 23);
  const n = opts.trials;
  const parallel = 8;
  const runCap = opts.state === "completed" ? n : Math.ceil(n * 1.25);
  const config = { ...SEED_CONFIG, run_cap: runCap };
  try {
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO endpoints (id, name, "displayName", source, "createdAt", "updatedAt") VALUES ($1, $2, $3, 'manual', now(), now()) ON CONFLICT (id) DO NOTHING`,
      [endpointId, endpointId, opts.state === "crashloop" ? "llm-finetune (broken image)" : "resnet-trainer"],
    );
    const state = opts.state === "completed" ? "completed" : "running";
    await client.query(
      `INSERT INTO sweeps (id, "endpointId", name, method, config, "configText", "metricName", "metricGoal", "metricTarget", "runCap", parallel, "failedBudget", seed, state, "stateReason", "createdBy", "startedAt", "finishedAt", "createdAt", "updatedAt")
       VALUES ($1, $2, $3, 'bayes', $4, NULL, 'val_loss', 'minimize', 0.05, $5, $6, 50, 7, $7::sweep_state, $8, 'bench', now() - ($9 || ' seconds')::interval, $10, now() - ($9 || ' seconds')::interval, now())`,
      [
        sweepId,
        endpointId,
        opts.name ?? (opts.state === "crashloop" ? "llm-lora-rank-sweep" : `resnet50-lr-sweep-${n}`),
        JSON.stringify(config),
        runCap,
        parallel,
        state,
        opts.state === "crashloop" ? "no trial has started: the endpoint's workers crash-loop" : null,
        Math.ceil((n / parallel) * 60 + 120),
        opts.state === "completed" ? new Date() : null,
      ],
    );
    if (opts.state === "crashloop") {
      // Trials submitted but stuck IN_QUEUE on a flagged endpoint.
      await client.query(
        `INSERT INTO trials (id, "sweepId", number, params, status, "jobId", attempt, "idempotencyKey", "submittedAt", "createdAt", "updatedAt")
         SELECT $1 || 't' || g, $1, g, jsonb_build_object('lr', 0.001 * g, 'batch_size', 32, 'optimizer', 'adam', 'dropout', 0.1, 'layers', 4),
                'queued', $1 || '-job-' || g, 1, $1 || ':' || g, now() - ((10 - g) * interval '1 minute'), now(), now()
         FROM generate_series(1, $2::int) g`,
        [sweepId, Math.min(n, parallel)],
      );
      await client.query(
        `INSERT INTO jobs (id, "endpointId", status, source, "submittedAt", "statusChangedAt", flag, verdict, "trialId", "createdAt", "updatedAt")
         SELECT t."jobId", $2, 'IN_QUEUE', 'trial', t."submittedAt", t."submittedAt", $3, $3, t.id, now(), now()
         FROM trials t WHERE t."sweepId" = $1`,
        [sweepId, endpointId, CRASH_LOOP_FLAG],
      );
    } else {
      const running = opts.state === "running" ? Math.min(parallel, Math.max(0, n - 1)) : 0;
      await client.query(
        `WITH g AS (
           SELECT g AS n, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6
           FROM generate_series(1, $2::int) g
         ), p AS (
           SELECT n, r6,
                  power(10, -5 + r1 * 4) AS lr,
                  (ARRAY[16, 32, 64, 128])[1 + floor(r2 * 4)::int] AS bs,
                  (ARRAY['adam', 'adamw', 'sgd'])[1 + floor(r3 * 3)::int] AS opt,
                  r4 * 0.5 AS dropout,
                  2 + floor(r5 * 7)::int AS layers,
                  now() - (($2::int - n) * interval '7.5 seconds') - interval '60 seconds' AS started
           FROM g
         )
         INSERT INTO trials (id, "sweepId", number, params, status, "jobId", attempt, "idempotencyKey", "submittedAt", "startedAt", "finishedAt", "metricValue", error, "workerId", "createdAt", "updatedAt")
         SELECT $1 || 't' || n, $1, n,
                jsonb_build_object('lr', lr, 'batch_size', bs, 'optimizer', opt, 'dropout', dropout, 'layers', layers),
                (CASE WHEN n > $2::int - $3::int THEN 'running' WHEN r6 < 0.06 THEN 'failed' ELSE 'completed' END)::trial_status,
                $1 || '-job-' || n, 1, $1 || ':' || n,
                started - interval '3 seconds', started,
                CASE WHEN n > $2::int - $3::int THEN NULL ELSE started + ((30 + r6 * 40) * interval '1 second') END,
                CASE WHEN n > $2::int - $3::int OR r6 < 0.06 THEN NULL
                     ELSE round((0.3 * power(log(lr) + 2.7, 2) + 0.6 * dropout + CASE opt WHEN 'sgd' THEN 0.25 WHEN 'adam' THEN 0.05 ELSE 0 END
                          + 0.02 * abs(layers - 5) + 0.08 * random() + 0.04 + 0.3 * exp(-n / ($2::float / 4 + 1)))::numeric, 5)::float8 END,
                CASE WHEN n <= $2::int - $3::int AND r6 < 0.06 THEN 'CUDA out of memory. Tried to allocate 2.00 GiB' END,
                'wk-' || lpad((n % 8)::text, 2, '0'),
                started, now()
         FROM p`,
        [sweepId, n, running],
      );
    }
    // What the controller keeps on the sweep row (the list shows it without scanning trials).
    await client.query(
      `UPDATE sweeps s SET "bestTrialId" = b.id, "bestValue" = b."metricValue"
       FROM (SELECT id, "metricValue" FROM trials WHERE "sweepId" = $1 AND status = 'completed' AND "metricValue" IS NOT NULL ORDER BY "metricValue" ASC, number ASC LIMIT 1) b
       WHERE s.id = $1`,
      [sweepId],
    );
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK");
    throw err;
  } finally {
    await client.end();
  }
  return sweepId;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

async function measure(baseUrl: string, sweepId: string, runs: number) {
  const executablePath = process.env.PLAYWRIGHT_CHROMIUM_PATH || (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
  const browser = await chromium.launch({
    executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const server: number[] = [];
  const usable: number[] = [];
  const charts: number[] = [];
  try {
    for (let i = 0; i < runs + 1; i++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
      const page = await context.newPage();
      const t0 = Date.now();
      const res = await page.goto(`${baseUrl}/sweeps/${encodeURIComponent(sweepId)}`, { waitUntil: "commit" });
      if (!res || res.status() !== 200) throw new Error(`GET /sweeps/${sweepId} answered ${res?.status()}`);
      const ttfb = Date.now() - t0;
      await page.locator("tr[data-trial]").first().waitFor({ state: "visible", timeout: 60_000 });
      await page.getByTestId("best-value").waitFor({ state: "visible", timeout: 60_000 });
      const tUsable = Date.now() - t0;
      await page.locator('section[aria-labelledby="sweep-history"] .recharts-surface').first().waitFor({ state: "visible", timeout: 60_000 });
      await page.locator('section[aria-labelledby="sweep-parallel"] svg path').first().waitFor({ state: "attached", timeout: 60_000 });
      const tCharts = Date.now() - t0;
      await context.close();
      // The first run warms the server (route compilation, connection pool): reported apart.
      if (i === 0) {
        console.log(`warm-up run: server ${ttfb} ms, usable ${tUsable} ms, charts ${tCharts} ms`);
        continue;
      }
      server.push(ttfb);
      usable.push(tUsable);
      charts.push(tCharts);
    }
  } finally {
    await browser.close();
  }
  const row = (name: string, xs: number[]) => console.log(`${name.padEnd(34)} p50 ${String(pct(xs, 50)).padStart(6)} ms   p95 ${String(pct(xs, 95)).padStart(6)} ms`);
  console.log(`\nsweep page render, ${runs} runs (fresh browser context each):`);
  row("server (first byte of HTML)", server);
  row("usable (table rows + best trial)", usable);
  row("charts (history + parallel coords)", charts);
  console.log(`target: usable under 2000 ms → ${pct(usable, 95) < 2000 ? "met" : "NOT met"} at p95`);
}

const trials = Number(arg("trials", "100000"));
const runs = Number(arg("runs", "7"));
const state = (arg("state", "running") as SeedState) ?? "running";
const baseUrl = (arg("url", process.env.BENCH_BASE_URL ?? "http://127.0.0.1:3000") ?? "").replace(/\/+$/, "");
let sweepId = arg("sweep");
if (!sweepId) {
  const db = process.env.DATABASE_URL;
  if (!db) {
    console.error("Set DATABASE_URL to the database the web server at --url reads (or pass --sweep <id>).");
    process.exit(1);
  }
  const t = Date.now();
  sweepId = await seedSweep(db, { trials, state, name: arg("name") });
  console.log(`seeded sweep ${sweepId} (${state}) with ${trials.toLocaleString("en-US")} trials in ${Date.now() - t} ms`);
}
if (arg("seed-only") === "true") {
  console.log(sweepId);
} else {
  console.log(`measuring ${baseUrl}/sweeps/${sweepId}`);
  await measure(baseUrl, sweepId, runs);
}
