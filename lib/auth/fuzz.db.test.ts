/**
 * Thousands of random and hostile payloads against the routes that take text from
 * outside: the worker ingest route, sweep creation (configs) and the log upload. Every
 * answer is 2xx or 4xx (never 5xx), and what is stored matches exactly what was accepted.
 * Deterministic (seeded), so a failure reproduces.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

process.env.SWEEPWATCH_MODE = "live";
process.env.RUNPOD_API_KEY = "rpa_fuzz_not_a_real_key_0000";
process.env.RUNPOD_API_BASE = "http://127.0.0.1:9";
process.env.RUNPOD_REST_BASE = "http://127.0.0.1:9";
process.env.INGEST_RATE_LINES_PER_SEC = "100000000";
process.env.INGEST_RATE_BURST = "100000000";

type Mod = Record<string, unknown>;
let t: typeof import("./test-utils");
let prisma: import("@/lib/db").PrismaClient;
let creds: Awaited<ReturnType<typeof import("./test-utils").createRoleCredentials>>;
let ingest: Mod, sweeps: Mod, upload: Mod;
const EP = `fuzz-${randomBytes(4).toString("hex")}`;
const OTHER_EP = `fuzz-other-${randomBytes(4).toString("hex")}`;
let ingestToken = "";

function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick };
}
type Rng = ReturnType<typeof rng>;

const HOSTILE_STRINGS = [
  "<script>alert(1)</script>",
  '<img src=x onerror="alert(document.cookie)">',
  "'; DROP TABLE log_lines; --",
  "\u0000\u0001\u0002",
  "\ud800",
  "\u202e\u2066rtl",
  "💥".repeat(50),
  "${7*7}{{7*7}}",
  "../../../../etc/passwd",
  "A".repeat(70_000),
  "\r\n\r\nHTTP/1.1 200 OK\r\n",
  "terminate called after throwing an instance of 'std::runtime_error'\n  what():  random_device could not be read",
  "%s%n%x",
  "",
  " ",
  "null",
  "__proto__",
];
const HOSTILE_YAML = [
  "a: &a [\"x\",\"x\",\"x\",\"x\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e]",
  "method: !!js/function 'function(){ return process.exit(1) }'",
  "method: grid\nparameters: " + "{a: ".repeat(500) + "1" + "}".repeat(500),
  "method: grid\nparameters:\n  lr:\n    values: [" + Array.from({ length: 5000 }, (_, i) => i).join(",") + "]\n  b:\n    values: [" + Array.from({ length: 5000 }, (_, i) => i).join(",") + "]",
  "method: random\nmetric: {name: loss, goal: minimize}\nparameters:\n  lr: {distribution: log_uniform_values, min: 0, max: -1}",
  "method: bayes\nparameters:\n  x: {distribution: normal, mu: .nan, sigma: .inf}",
  "---\n- [unclosed",
  "\t\tmethod:\tgrid",
  "method: grid\nparameters:\n  __proto__: {values: [1]}\n  constructor: {value: 2}",
  "method: grid\nrun_cap: 99999999999999999999999\nparameters: {x: {values: [1,2]}}",
];

function randomJson(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 3 ? 6 : 9)) {
    case 0: return null;
    case 1: return r.next() < 0.5;
    case 2: return r.pick([0, -1, 1e308, -1e308, 2 ** 53 + 1, 0.1, Number.MAX_SAFE_INTEGER, 946684800001]);
    case 3: return r.pick(HOSTILE_STRINGS);
    case 4: return randomBytes(r.int(40)).toString("latin1");
    case 5: return new Date(r.int(4e12)).toISOString();
    case 6: return Array.from({ length: r.int(5) }, () => randomJson(r, depth + 1));
    case 7: {
      const o: Record<string, unknown> = {};
      for (let i = r.int(5); i > 0; i--) o[r.pick(["__proto__", "constructor", "a", "lines", "text", "config", "endpointId", "x".repeat(300)])] = randomJson(r, depth + 1);
      return o;
    }
    default: return { [r.pick(["prototype", "toString", "$where"])]: randomJson(r, depth + 1) };
  }
}

const RAW_BODIES = ["", "{", "[]", "null", "1e309", '{"a":', "\u0000", "{\"__proto__\": {\"polluted\": true}}", "[".repeat(10_000), '"'.repeat(3), "x".repeat(2_000_000)];

function validBatch(r: Rng, i: number) {
  return {
    endpointId: EP,
    workerId: `w-${r.int(5)}`,
    batchId: `fuzz-${i}`,
    lines: Array.from({ length: 1 + r.int(4) }, () => ({ ts: Date.now() - r.int(1e6), stream: r.pick(["stdout", "stderr"]), text: r.pick(HOSTILE_STRINGS) })),
  };
}

function mutate(r: Rng, v: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = JSON.parse(JSON.stringify(v));
  const keys = Object.keys(out);
  const k = r.pick(keys);
  switch (r.int(4)) {
    case 0: delete out[k]; break;
    case 1: out[k] = randomJson(r); break;
    case 2: out[r.pick(["extra", "__proto__", "constructor"])] = randomJson(r); break;
    default: {
      const lines = out.lines as Record<string, unknown>[] | undefined;
      if (Array.isArray(lines) && lines.length) lines[0][r.pick(["ts", "stream", "text"])] = randomJson(r);
      else out[k] = randomJson(r);
    }
  }
  return out;
}

async function send(mod: Mod, method: string, path: string, headers: Record<string, string>, body: string, query = ""): Promise<{ status: number; json: unknown }> {
  const req = t.makeRequest(method, path + query, { headers: { "content-type": "application/json", ...headers }, body });
  const res = await t.callHandler(mod, method, req);
  const text = await res.text();
  let json: unknown;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: res.status, json };
}

beforeAll(async () => {
  const { resetEnvCache } = await import("@/lib/env");
  resetEnvCache();
  t = await import("./test-utils");
  prisma = (await import("@/lib/db")).getPrisma();
  creds = await t.createRoleCredentials();
  await prisma.endpoint.createMany({ data: [{ id: EP, name: EP }, { id: OTHER_EP, name: OTHER_EP }] });
  const { createIngestToken } = await import("@/lib/auth/service");
  const { SYSTEM_PRINCIPAL } = await import("./principal");
  const { createCtx } = await import("@/lib/ctx");
  ingestToken = (await createIngestToken({ endpointId: EP, name: "fuzz" }, createCtx({ principal: SYSTEM_PRINCIPAL }))).secret;
  ingest = await t.importRoute("/api/ingest/logs");
  sweeps = await t.importRoute("/api/sweeps");
  upload = await t.importRoute("/api/logs/upload");
}, 120_000);

afterAll(async () => {
  await (await import("@/lib/db")).disconnectPrisma();
});

describe("fuzzing the routes that take outside text", () => {
  it("POST /api/ingest/logs: 1,500 payloads → only 2xx/4xx, and stored lines = accepted lines", async () => {
    const r = rng(8);
    const fives: string[] = [];
    let inserted = 0;
    for (let i = 0; i < 1500; i++) {
      const kind = r.int(10);
      let body: string;
      if (kind < 3) body = JSON.stringify(validBatch(r, i));
      else if (kind < 7) body = JSON.stringify(mutate(r, validBatch(r, i)));
      else if (kind < 9) body = JSON.stringify(randomJson(r));
      else body = r.pick(RAW_BODIES);
      const auth = r.next() < 0.05 ? r.pick(["", "Bearer ", `Bearer ${ingestToken}x`, "Basic abc", `Bearer ${creds.admin.bearer}`]) : `Bearer ${ingestToken}`;
      const { status, json } = await send(ingest, "POST", "/api/ingest/logs", auth ? { authorization: auth } : {}, body);
      if (status >= 500) fives.push(`#${i} ${status} ${body.slice(0, 100)} → ${JSON.stringify(json).slice(0, 200)}`);
      if (status >= 200 && status < 300) inserted += (json as { inserted: number }).inserted;
      else expect(status, `#${i}`).toBeGreaterThanOrEqual(400);
    }
    expect(fives).toEqual([]);
    expect(await prisma.logLine.count({ where: { endpointId: EP, source: "ingest" } })).toBe(inserted);
    expect(inserted).toBeGreaterThan(100);
    expect(await prisma.logLine.count({ where: { endpointId: OTHER_EP } })).toBe(0);
    // hostile text is stored as text, unchanged
    expect(await prisma.logLine.count({ where: { endpointId: EP, text: '<img src=x onerror="alert(document.cookie)">' } })).toBeGreaterThan(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 300_000);

  it("POST /api/sweeps: 1,000 configs → only 2xx/4xx, and one sweep per 201", async () => {
    const r = rng(6);
    const fives: string[] = [];
    let created = 0;
    // Mutated bodies may target OTHER_EP too, so count the sweeps of both endpoints.
    const sweepCount = () => prisma.sweep.count({ where: { endpointId: { in: [EP, OTHER_EP] } } });
    const before = await sweepCount();
    for (let i = 0; i < 1000; i++) {
      const kind = r.int(10);
      let body: unknown;
      if (kind < 3) body = { endpointId: EP, name: `fuzz ${i} ${r.pick(HOSTILE_STRINGS).slice(0, 200)}`, config: r.pick(HOSTILE_YAML) };
      else if (kind < 5) body = { endpointId: EP, name: `fuzz ${i}`, config: { method: r.pick(["grid", "random", "bayes", "nope", 1]), metric: randomJson(r), parameters: { x: randomJson(r), y: { values: [1, 2, r.pick(HOSTILE_STRINGS)] } } } };
      else if (kind < 6) body = { endpointId: EP, name: `fuzz ${i}`, config: "method: random\nmetric: {name: loss, goal: minimize}\nrun_cap: 3\nparameters:\n  lr: {min: 0.0001, max: 0.1}\n", parallel: r.pick([1, 0, -1, 1e9, 2.5]) };
      else if (kind < 9) body = mutate(r, { endpointId: r.pick([EP, "nope", "", OTHER_EP]), name: "x", config: "method: grid\nparameters: {x: {values: [1]}}" });
      else body = randomJson(r);
      const raw = kind === 9 && r.next() < 0.3 ? r.pick(RAW_BODIES) : JSON.stringify(body);
      const { status, json } = await send(sweeps, "POST", "/api/sweeps", { authorization: `Bearer ${creds.engineer.bearer}` }, raw);
      if (status >= 500) fives.push(`#${i} ${status} ${raw.slice(0, 120)} → ${JSON.stringify(json).slice(0, 200)}`);
      if (status === 201) created++;
    }
    expect(fives).toEqual([]);
    expect(await sweepCount()).toBe(before + created);
    expect(created).toBeGreaterThan(0);
  }, 300_000);

  it("POST /api/logs/upload: 600 files → only 2xx/4xx, and stored lines = accepted lines", async () => {
    const r = rng(4);
    const fives: string[] = [];
    let inserted = 0;
    for (let i = 0; i < 600; i++) {
      const kind = r.int(6);
      let body: string;
      let contentType = "text/plain";
      if (kind === 0) body = Array.from({ length: 1 + r.int(20) }, () => `${new Date(r.int(4e12)).toISOString()} ${r.pick(HOSTILE_STRINGS)}`).join(r.pick(["\n", "\r\n", "\r"]));
      else if (kind === 1) body = randomBytes(r.int(4096)).toString("latin1") + `\n#${i}`;
      else if (kind === 2) {
        const boundary = r.pick(["b0undary", "", "--", "x".repeat(100)]);
        contentType = `multipart/form-data; boundary=${boundary}`;
        body = `--${boundary}\r\nContent-Disposition: form-data; name="${r.pick(["file", "other", "\""])}"; filename="a.log"\r\n\r\n${r.pick(HOSTILE_STRINGS)}\r\n--${boundary}${r.pick(["--\r\n", "", "\r\n"])}`;
      } else if (kind === 3) body = r.pick(RAW_BODIES);
      else body = `${r.pick(HOSTILE_STRINGS)}\nline ${i}`;
      const q = r.next() < 0.1 ? r.pick(["", "?endpointId=", "?endpointId=nope", `?endpointId=${EP}&workerId=${"w".repeat(300)}`, "?endpointId[]=x"]) : `?endpointId=${EP}&workerId=up-${r.int(3)}`;
      const req = t.makeRequest("POST", `/api/logs/upload${q}`, { headers: { authorization: `Bearer ${creds.oncall.bearer}`, "content-type": contentType }, body });
      const res = await t.callHandler(upload, "POST", req);
      const text = await res.text();
      if (res.status >= 500) fives.push(`#${i} ${res.status} ${body.slice(0, 80)} → ${text.slice(0, 200)}`);
      if (res.status === 201) inserted += (JSON.parse(text) as { inserted: number }).inserted;
    }
    expect(fives).toEqual([]);
    expect(await prisma.logLine.count({ where: { endpointId: EP, source: "upload" } })).toBe(inserted);
    expect(inserted).toBeGreaterThan(0);
  }, 300_000);
});
