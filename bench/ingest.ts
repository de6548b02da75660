/**
 * `npm run bench ingest`: pushes N log lines (default 1,000,000) through POST /api/ingest/logs in
 * realistic batches (500 lines, 4 concurrent worker clients), then loads the same lines with
 * PostgreSQL COPY into a scratch table with log_lines' columns and indexes, and prints both rates,
 * their ratio, and a check that every line was stored exactly once (plus retried batches).
 *
 * The route handler runs in this process (the exported POST of app/api/ingest/logs/route.ts,
 * called with real Request objects: JSON parse, zod validation, token check, rate limiter off,
 * one INSERT per batch). That measures the route's own cost without HTTP framing; pass
 * --url http://127.0.0.1:3000 to push over HTTP to a running server instead (it must use the
 * same DATABASE_URL, which then must be set; the scratch database is not used).
 *
 * Database: a scratch database from scripts/scratch-db.ts (TEST_DATABASE_URL / DATABASE_URL's
 * server, else a throw-away embedded PostgreSQL). Options: --lines N, --batch N, --clients N.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";

// "server-only" (imported by the route's modules) resolves to an empty module only under the
// react-server condition, as inside Next; re-run this file under it.
if (!process.execArgv.some((a) => a.includes("react-server")) && !process.env.__SWEEPWATCH_BENCH_CHILD) {
  const r = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", import.meta.filename, ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, __SWEEPWATCH_BENCH_CHILD: "1" },
    cwd: path.resolve(import.meta.dirname, ".."),
  });
  process.exit(r.status ?? 1);
}

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : def;
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : def;
};
const urlArg = (() => {
  const i = args.indexOf("--url");
  return i >= 0 ? args[i + 1]?.replace(/\/+$/, "") : undefined;
})();
const LINES = opt("lines", 1_000_000);
const BATCH = opt("batch", 500);
const CLIENTS = opt("clients", 4);
const RETRIES = 20;

const { createScratchDatabase } = await import("@/scripts/scratch-db");
const scratch = urlArg ? null : await createScratchDatabase("bench_ingest");
if (scratch) process.env.DATABASE_URL = scratch.url;
if (!process.env.DATABASE_URL) throw new Error("--url needs DATABASE_URL of the server's database");
process.env.INGEST_RATE_LINES_PER_SEC = "0";
process.env.LOG_LEVEL = "warn";

const pg = (await import("pg")).default;
const { NextRequest } = await import("next/server");
const { getPrisma, disconnectPrisma } = await import("@/lib/db");
const { createIngestToken } = await import("@/lib/auth/service");
const { SYSTEM_PRINCIPAL } = await import("@/lib/auth/principal");
const { createCtx } = await import("@/lib/ctx");
const route = await import("@/app/api/ingest/logs/route");

const prisma = getPrisma();
const endpointId = `bench-ingest-${Date.now().toString(36)}`;
await prisma.endpoint.create({ data: { id: endpointId, name: endpointId } });
const { secret: token } = await createIngestToken({ endpointId, name: "bench" }, createCtx({ db: prisma, principal: SYSTEM_PRINCIPAL }));

// ───────────── the lines: realistic training-worker output ─────────────

const TEMPLATES = [
  (i: number) => `epoch ${i % 100} step ${i} loss=${(1 / (1 + (i % 997))).toFixed(6)} lr=3.0e-4 grad_norm=${((i % 89) / 10).toFixed(2)} tokens/s=${12000 + (i % 3000)}`,
  (i: number) => `2026-11-28 12:00:${String(i % 60).padStart(2, "0")}.${i % 1000} I tensorflow/core/util/port.cc:153] oneDNN custom operations are on (${i}).`,
  (i: number) => `INFO:root:trial ${i % 64} params {"x1": ${(i % 15) - 5}, "x2": ${i % 15}} objective=${((i * 7919) % 10000) / 100}`,
  (i: number) => `W${i} external/local_xla/xla/stream_executor/cuda/cuda_dnn.cc:8579] Unable to register cuDNN factory: "quoted" \\ back\tslash`,
  (i: number) => `{"level":"INFO","message":"job done","job_id":"${i.toString(16)}-u1","duration_ms":${i % 9000}}`,
];
const lineText = (i: number) => TEMPLATES[i % TEMPLATES.length](i);
const t0 = Date.parse("2026-11-28T12:00:00Z");

interface Batch {
  workerId: string;
  batchId: string;
  lines: { ts: string; stream: "stdout" | "stderr"; text: string }[];
}

function makeBatch(n: number): Batch {
  const start = n * BATCH;
  const count = Math.min(BATCH, LINES - start);
  const client = n % CLIENTS;
  return {
    workerId: `bench-worker-${client}`,
    batchId: `boot${client}-${n}`,
    lines: Array.from({ length: count }, (_, k) => {
      const i = start + k;
      return { ts: new Date(t0 + i).toISOString(), stream: i % 7 === 0 ? "stderr" : "stdout", text: lineText(i) };
    }),
  };
}
const batches = Math.ceil(LINES / BATCH);

async function send(b: Batch): Promise<{ status: number; inserted: number }> {
  const body = JSON.stringify({ endpointId, ...b });
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  if (urlArg) {
    const r = await fetch(`${urlArg}/api/ingest/logs`, { method: "POST", headers, body });
    const j = (await r.json()) as { inserted?: number };
    return { status: r.status, inserted: j.inserted ?? 0 };
  }
  const req = new NextRequest("http://bench.local/api/ingest/logs", { method: "POST", headers, body });
  const res = await route.POST(req, { params: Promise.resolve({}) });
  const j = (await res.json()) as { inserted?: number };
  return { status: res.status, inserted: j.inserted ?? 0 };
}

// ───────────── phase 1: the ingest route ─────────────

console.log(`ingest bench: ${LINES.toLocaleString("en-US")} lines, ${batches} batches of ${BATCH}, ${CLIENTS} concurrent clients, ${urlArg ? `HTTP to ${urlArg}` : "route handler in-process"}`);
let next = 0;
let inserted = 0;
const failures: string[] = [];
const started = performance.now();
await Promise.all(
  Array.from({ length: CLIENTS }, async () => {
    for (;;) {
      const n = next++;
      if (n >= batches) return;
      const r = await send(makeBatch(n));
      if (r.status !== 200) failures.push(`batch ${n}: HTTP ${r.status}`);
      inserted += r.inserted;
    }
  }),
);
const routeSeconds = (performance.now() - started) / 1000;
if (failures.length) console.log(`failures: ${failures.slice(0, 5).join(", ")}${failures.length > 5 ? " ..." : ""}`);

// Retries of already-stored batches (a wrapper whose answer got lost) must store nothing.
let retriedInserted = 0;
for (let k = 0; k < RETRIES; k++) retriedInserted += (await send(makeBatch(Math.floor((k * batches) / RETRIES)))).inserted;

// ───────────── phase 2: raw COPY of the same lines ─────────────

class CopyIn {
  readonly text: string;
  private resolve!: (n: number) => void;
  private reject!: (e: Error) => void;
  private rows = 0;
  readonly done: Promise<number>;
  constructor(
    text: string,
    private readonly chunks: () => Iterable<Buffer>,
  ) {
    this.text = text;
    this.done = new Promise((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
  }
  submit(connection: { query(text: string): void }) {
    connection.query(this.text);
  }
  handleCopyInResponse(connection: { sendCopyFromChunk(b: Buffer): void; endCopyFrom(): void }) {
    for (const c of this.chunks()) connection.sendCopyFromChunk(c);
    connection.endCopyFrom();
  }
  handleCommandComplete(msg: { text: string }) {
    this.rows = Number(/\d+$/.exec(msg.text)?.[0] ?? 0);
  }
  handleReadyForQuery() {
    this.resolve(this.rows);
  }
  handleError(err: Error) {
    this.reject(err);
  }
  handleEmptyQuery() {}
  handleRowDescription() {}
  handleDataRow() {}
  handlePortalSuspended() {}
  handleCopyData() {}
}

const esc = (s: string) => s.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
const receivedAt = new Date().toISOString();

function* copyChunks(): Iterable<Buffer> {
  let buf: string[] = [];
  for (let n = 0; n < batches; n++) {
    const b = makeBatch(n);
    b.lines.forEach((l, k) => {
      // Same key scheme as the route: 'ing:' || md5(endpoint \x01 batch \x01 ordinal).
      const key = "ing:" + createHash("md5").update(`${endpointId}\u0001${b.batchId}\u0001${k + 1}`).digest("hex");
      buf.push(`${endpointId}\t${b.workerId}\t\\N\tingest\t${l.stream}\t${l.ts}\t${receivedAt}\t${esc(l.text)}\t${key}\n`);
    });
    if (buf.length >= 5000) {
      yield Buffer.from(buf.join(""), "utf8");
      buf = [];
    }
  }
  if (buf.length) yield Buffer.from(buf.join(""), "utf8");
}

// The COPY payload is built before the clock starts (the route's clients build theirs inside it),
// so the ratio below is, if anything, unfavourable to the route.
const payload = [...copyChunks()];
const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
await client.connect();
const cols = `("endpointId", "workerId", "jobId", source, stream, ts, "receivedAt", text, "dedupeKey")`;
async function timedCopy(table: string, like: string): Promise<{ rows: number; seconds: number }> {
  await client.query(`DROP TABLE IF EXISTS ${table}`);
  await client.query(`CREATE TABLE ${table} (LIKE log_lines ${like})`);
  const t = performance.now();
  const copy = new CopyIn(`COPY ${table} ${cols} FROM STDIN`, () => payload);
  client.query(copy as never);
  const rows = await copy.done;
  return { rows, seconds: (performance.now() - t) / 1000 };
}
// Same columns and indexes as log_lines (unique dedupe key, time and worker indexes): the fair baseline.
const indexed = await timedCopy("bench_copy_lines", "INCLUDING DEFAULTS INCLUDING INDEXES");
// No indexes at all: the upper bound of what PostgreSQL can load, for context.
const bare = await timedCopy("bench_copy_bare", "INCLUDING DEFAULTS");
await client.query(`DROP TABLE bench_copy_bare`);
const copied = indexed.rows;
const copySeconds = indexed.seconds;

// ───────────── check and report ─────────────

const stored = await client.query<{ n: string; keys: string; batches: string }>(
  `SELECT count(*) AS n, count(DISTINCT "dedupeKey") AS keys, (SELECT count(*) FROM ingest_batches WHERE "endpointId" = $1) AS batches FROM log_lines WHERE "endpointId" = $1`,
  [endpointId],
);
const sameKeys = await client.query<{ n: string }>(`SELECT count(*) AS n FROM bench_copy_lines c JOIN log_lines l USING ("dedupeKey")`);
await client.query(`DROP TABLE bench_copy_lines`);
await client.end();

const n = Number(stored.rows[0].n);
const routeRate = LINES / routeSeconds;
const copyRate = copied / copySeconds;
const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
console.log("");
console.log(`POST /api/ingest/logs : ${fmt(routeRate)} lines/s  (${routeSeconds.toFixed(1)} s)`);
console.log(`COPY (same indexes)   : ${fmt(copyRate)} lines/s  (${copySeconds.toFixed(1)} s)`);
console.log(`COPY (no indexes)     : ${fmt(bare.rows / bare.seconds)} lines/s  (${bare.seconds.toFixed(1)} s)`);
console.log(`ratio route / COPY    : ${(routeRate / copyRate).toFixed(2)} vs the same indexes (target >= 0.25), ${(routeRate / (bare.rows / bare.seconds)).toFixed(2)} vs no indexes`);
console.log("");
const ok = n === LINES && Number(stored.rows[0].keys) === LINES && inserted === LINES && retriedInserted === 0 && Number(stored.rows[0].batches) === batches && Number(sameKeys.rows[0].n) === LINES && !failures.length;
console.log(
  `stored once: ${ok ? "yes" : "NO"} — ${fmt(n)} rows for ${fmt(LINES)} lines, ${fmt(Number(stored.rows[0].keys))} distinct keys, ${stored.rows[0].batches} batches, ` +
    `${RETRIES} retried batches stored ${retriedInserted} lines, COPY table has the same ${fmt(Number(sameKeys.rows[0].n))} keys`,
);

await prisma.endpoint.delete({ where: { id: endpointId } }).catch(() => undefined);
await disconnectPrisma();
await scratch?.cleanup();
process.exit(ok ? 0 : 1);
