/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are checked field by field */
/**
 * Push side of issue 4 against a real database: POST /api/ingest/logs (idempotency, limits,
 * tokens, exits), the RunPod webhook route, log upload, POST /api/jobs against the simulator,
 * and the worker wrapper script run around a real command behind a real HTTP server.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { startSimulator, type Simulator } from "@/lib/simulator";

process.env.SWEEPWATCH_MODE = "demo";
process.env.RUNPOD_API_KEY = "";
process.env.INGEST_RATE_LINES_PER_SEC = "1000";
process.env.INGEST_RATE_BURST = "6000";

type Mod = Record<string, unknown>;
let t: typeof import("@/lib/auth/test-utils");
let prisma: import("@/lib/db").PrismaClient;
let creds: Awaited<ReturnType<typeof import("@/lib/auth/test-utils").createRoleCredentials>>;
let routes: Record<string, Mod>;
let sim: Simulator;
let simEndpoint: string;

const uid = () => randomBytes(4).toString("hex");

beforeAll(async () => {
  simEndpoint = `sim-${uid()}`;
  sim = await startSimulator({ scenario: { name: "ingest-test", endpoints: [{ id: simEndpoint, behaviour: { type: "healthy", failureRate: 0 } }] } as never, clock: "virtual" });
  process.env.SIMULATOR_PORT = String(sim.port);
  process.env.SIMULATOR_API_KEY = sim.apiKey;
  const { resetEnvCache } = await import("@/lib/env");
  resetEnvCache();
  t = await import("@/lib/auth/test-utils");
  prisma = (await import("@/lib/db")).getPrisma();
  creds = await t.createRoleCredentials();
  routes = {
    ingest: await import("@/app/api/ingest/logs/route"),
    webhook: await import("@/app/api/webhooks/runpod/[secret]/route"),
    upload: await import("@/app/api/logs/upload/route"),
    jobs: await import("@/app/api/jobs/route"),
    wrapper: await import("@/app/api/worker-wrapper/route"),
  };
}, 120_000);

afterAll(async () => {
  await sim?.close();
  const { disconnectPrisma } = await import("@/lib/db");
  await disconnectPrisma();
});

async function newEndpoint() {
  const id = `ing-${uid()}`;
  await prisma.endpoint.create({ data: { id, name: id } });
  return id;
}

async function tokenFor(endpointId: string) {
  const { createIngestToken } = await import("@/lib/auth/service");
  const { SYSTEM_PRINCIPAL } = await import("@/lib/auth/principal");
  const { createCtx } = await import("@/lib/ctx");
  return (await createIngestToken({ endpointId, name: "test" }, createCtx({ principal: SYSTEM_PRINCIPAL }))).secret;
}

async function post(mod: string, path: string, body: unknown, headers: Record<string, string> = {}, params: Record<string, string> = {}) {
  const req = t.makeRequest("POST", path, { headers, body });
  const res = await t.callHandler(routes[mod], "POST", req, params);
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, headers: res.headers };
}

const batch = (endpointId: string, batchId: string, n: number, extra: Record<string, unknown> = {}) => ({
  endpointId,
  workerId: "w-1",
  batchId,
  lines: Array.from({ length: n }, (_, i) => ({ ts: Date.now() + i, stream: i % 2 ? "stderr" : "stdout", text: `line ${i}` })),
  ...extra,
});

describe("POST /api/ingest/logs", () => {
  it("stores a batch once, however often it is retried", async () => {
    const ep = await newEndpoint();
    const auth = { authorization: `Bearer ${await tokenFor(ep)}` };
    const b = batch(ep, "boot1-1", 50);
    const first = await post("ingest", "/api/ingest/logs", b, auth);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ accepted: true, duplicate: false, lines: 50, inserted: 50 });
    const again = await post("ingest", "/api/ingest/logs", b, auth);
    expect(again.json).toMatchObject({ accepted: false, duplicate: true, inserted: 0 });
    await Promise.all([post("ingest", "/api/ingest/logs", b, auth), post("ingest", "/api/ingest/logs", b, auth)]);
    expect(await prisma.logLine.count({ where: { endpointId: ep } })).toBe(50);
    expect(await prisma.ingestBatch.count({ where: { endpointId: ep } })).toBe(1);
    const stored = await prisma.logLine.findMany({ where: { endpointId: ep }, orderBy: { id: "asc" }, take: 2 });
    expect(stored.map((l) => [l.source, l.stream, l.workerId, l.text])).toEqual([
      ["ingest", "stdout", "w-1", "line 0"],
      ["ingest", "stderr", "w-1", "line 1"],
    ]);
    // Same lines under a new batch id are a new batch (the wrapper never reuses ids for new output).
    const other = await post("ingest", "/api/ingest/logs", batch(ep, "boot1-2", 50), auth);
    expect(other.json.inserted).toBe(50);
  });

  it("401 without or with a bad token, 403 for another endpoint's token; nothing stored", async () => {
    const ep = await newEndpoint();
    const ep2 = await newEndpoint();
    const b = batch(ep, "x-1", 3);
    expect((await post("ingest", "/api/ingest/logs", b)).status).toBe(401);
    expect((await post("ingest", "/api/ingest/logs", b, { authorization: `Bearer swi_${randomBytes(32).toString("base64url")}` })).status).toBe(401);
    expect((await post("ingest", "/api/ingest/logs", b, { authorization: `Bearer ${creds.admin.bearer}` })).status).toBe(401);
    const wrong = await post("ingest", "/api/ingest/logs", b, { authorization: `Bearer ${await tokenFor(ep2)}` });
    expect(wrong.status).toBe(403);
    const { revokeIngestToken } = await import("@/lib/auth/service");
    const { SYSTEM_PRINCIPAL } = await import("@/lib/auth/principal");
    const { createCtx } = await import("@/lib/ctx");
    const tok = await tokenFor(ep);
    const row = await prisma.ingestToken.findFirstOrThrow({ where: { endpointId: ep, revokedAt: null } });
    await revokeIngestToken({ id: row.id }, createCtx({ principal: SYSTEM_PRINCIPAL }));
    expect((await post("ingest", "/api/ingest/logs", b, { authorization: `Bearer ${tok}` })).status).toBe(401);
    expect(await prisma.logLine.count({ where: { endpointId: ep } })).toBe(0);
  });

  it("413 above 1 MiB, 422 above 5000 lines or for a malformed line, long lines truncated with a marker", async () => {
    const ep = await newEndpoint();
    const auth = { authorization: `Bearer ${await tokenFor(ep)}` };
    const huge = { endpointId: ep, workerId: "w", batchId: "big", lines: [{ ts: Date.now(), text: "x".repeat(1024 * 1024 + 10) }] };
    expect((await post("ingest", "/api/ingest/logs", huge, auth)).status).toBe(413);
    const many = await post("ingest", "/api/ingest/logs", batch(ep, "many", 5001), auth);
    expect(many.status).toBe(422);
    expect(many.json.error.issues[0].path).toBe("body.lines");
    const bad = await post("ingest", "/api/ingest/logs", { ...batch(ep, "bad", 1), lines: [{ ts: "not a time", text: "x" }] }, auth);
    expect(bad.status).toBe(422);
    expect(bad.json.error.issues[0].path).toBe("body.lines.0.ts");
    expect(await prisma.logLine.count({ where: { endpointId: ep } })).toBe(0);

    const { TRUNCATION_MARKER, INGEST_LIMITS } = await import("@/lib/api/specs/ingest");
    const long = await post("ingest", "/api/ingest/logs", { ...batch(ep, "long", 0), lines: [{ ts: Date.now(), text: `${"y".repeat(40_000)}` }, { ts: Date.now(), text: "nul\u0000byte" }] }, auth);
    expect(long.status).toBe(200);
    expect(long.json).toMatchObject({ inserted: 2, truncatedLines: 1 });
    const rows = await prisma.logLine.findMany({ where: { endpointId: ep }, orderBy: { id: "asc" } });
    expect(rows[0].text.length).toBe(INGEST_LIMITS.maxLineChars);
    expect(rows[0].text.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(rows[1].text).toBe("nul\uFFFDbyte");
  });

  it("429 with Retry-After once a token exceeds its rate; nothing stored for the refused batch", async () => {
    const ep = await newEndpoint();
    const auth = { authorization: `Bearer ${await tokenFor(ep)}` };
    // Burst 6000 lines (env above): 4000 + 1900 pass, the next 4000 do not.
    expect((await post("ingest", "/api/ingest/logs", batch(ep, "r1", 4000), auth)).status).toBe(200);
    expect((await post("ingest", "/api/ingest/logs", batch(ep, "r2", 1900), auth)).status).toBe(200);
    const refused = await post("ingest", "/api/ingest/logs", batch(ep, "r3", 4000), auth);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await prisma.ingestBatch.count({ where: { endpointId: ep } })).toBe(2);
  });

  it("an exit becomes a WorkerEvent of kind exit (code or signal), once per batch", async () => {
    const ep = await newEndpoint();
    const auth = { authorization: `Bearer ${await tokenFor(ep)}` };
    const b = { endpointId: ep, workerId: "w-exit", batchId: "e-1", lines: [], exit: { code: 134 } };
    const r = await post("ingest", "/api/ingest/logs", b, auth);
    expect(r.status).toBe(200);
    expect(r.json.exitRecorded).toBe(true);
    await post("ingest", "/api/ingest/logs", b, auth);
    await post("ingest", "/api/ingest/logs", { endpointId: ep, workerId: "w-exit", batchId: "e-2", lines: [{ ts: Date.now(), text: "bye" }], exit: { signal: "SIGKILL" } }, auth);
    const events = await prisma.workerEvent.findMany({ where: { endpointId: ep, kind: "exit" }, orderBy: { id: "asc" } });
    expect(events.map((e) => [e.workerId, e.exitCode, e.signal])).toEqual([
      ["w-exit", 134, null],
      ["w-exit", null, "SIGKILL"],
    ]);
    const w = await prisma.worker.findUniqueOrThrow({ where: { endpointId_id: { endpointId: ep, id: "w-exit" } } });
    expect(w.status).toBe("UNKNOWN");
    expect(w.lastExitAt).not.toBeNull();
    expect((await post("ingest", "/api/ingest/logs", { endpointId: ep, workerId: "w", batchId: "e-3", lines: [], exit: {} }, auth)).status).toBe(422);
  });
});

describe("POST /api/jobs and the RunPod webhook", () => {
  it("submits through the simulator with a webhook URL; the webhook then updates the job at once, idempotently", async () => {
    await prisma.endpoint.create({ data: { id: simEndpoint, name: simEndpoint } });
    const bad = await post("jobs", "/api/jobs", { endpointId: simEndpoint, input: [1, 2] }, { authorization: `Bearer ${creds.engineer.bearer}` });
    expect(bad.status).toBe(422);
    expect(bad.json.error.issues[0].path).toBe("body.input");
    expect((await post("jobs", "/api/jobs", { endpointId: simEndpoint, input: {} }, { authorization: `Bearer ${creds.viewer.bearer}` })).status).toBe(403);
    const unknown = await post("jobs", "/api/jobs", { endpointId: `nope-${uid()}`, input: { x: 1 } }, { authorization: `Bearer ${creds.engineer.bearer}` });
    expect(unknown.status).toBe(404);

    const r = await post("jobs", "/api/jobs", { endpointId: simEndpoint, input: { x: 1.5, y: 2 } }, { authorization: `Bearer ${creds.engineer.bearer}` });
    expect(r.status).toBe(201);
    const job = r.json.job;
    expect(job).toMatchObject({ endpointId: simEndpoint, status: "IN_QUEUE", source: "sweepwatch", input: { x: 1.5, y: 2 }, verdict: null, flag: null });
    expect(job.history).toEqual([expect.objectContaining({ from: null, to: "IN_QUEUE", source: "submit" })]);
    const stored = await prisma.job.findUniqueOrThrow({ where: { id: job.id } });
    const secret = /\/api\/webhooks\/runpod\/(swh_[A-Za-z0-9_-]+)$/.exec(stored.webhookUrl ?? "")?.[1];
    expect(secret).toBeDefined();
    expect(sim.state.jobs.get(job.id)?.webhook).toBe(stored.webhookUrl);

    const payload = { id: job.id, status: "COMPLETED", delayTime: 500, executionTime: 1200, workerId: "w-sim", output: { loss: 0.4 }, input: { x: 1.5, y: 2 } };
    const hook = await post("webhook", `/api/webhooks/runpod/${secret}`, payload, {}, { secret: secret! });
    expect(hook.status).toBe(200);
    expect(hook.json).toMatchObject({ ok: true, jobId: job.id, status: "COMPLETED", changed: true });
    const after = await prisma.job.findUniqueOrThrow({ where: { id: job.id }, include: { transitions: true } });
    expect(after).toMatchObject({ status: "COMPLETED", workerId: "w-sim", executionTime: 1200, nextPollAt: null });
    expect(after.output).toEqual({ loss: 0.4 });
    const again = await post("webhook", `/api/webhooks/runpod/${secret}`, payload, {}, { secret: secret! });
    expect(again.json.changed).toBe(false);
    expect(await prisma.jobTransition.count({ where: { jobId: job.id } })).toBe(2);

    // Unknown secret: 404, nothing read or revealed. A job of another endpoint: the same 404.
    const fake = `swh_${randomBytes(32).toString("base64url")}`;
    const unknownSecret = await post("webhook", `/api/webhooks/runpod/${fake}`, payload, {}, { secret: fake });
    expect(unknownSecret.status).toBe(404);
    expect(unknownSecret.json.error.message).toBe("Not found.");
    const garbage = await post("webhook", `/api/webhooks/runpod/x`, "{not json", {}, { secret: "x" });
    expect(garbage.status).toBe(404);
    const other = await newEndpoint();
    const { ensureWebhookSecret } = await import("@/lib/endpoints/webhooks");
    const { createCtx } = await import("@/lib/ctx");
    const otherSecret = (await ensureWebhookSecret({ endpointId: other }, createCtx({ db: prisma })))!;
    expect(await ensureWebhookSecret({ endpointId: other }, createCtx({ db: prisma }))).toBe(otherSecret);
    const cross = await post("webhook", "/api/webhooks/runpod/s", { ...payload, status: "FAILED" }, {}, { secret: otherSecret });
    expect(cross.status).toBe(404);
    expect((await prisma.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("COMPLETED");
    // A webhook for a job sweepwatch did not submit starts tracking it (source webhook).
    const newJob = `ext-${uid()}-u1`;
    const created = await post("webhook", "/api/webhooks/runpod/s", { id: newJob, status: "FAILED", error: "boom" }, {}, { secret: otherSecret });
    expect(created.status).toBe(200);
    expect(await prisma.job.findUniqueOrThrow({ where: { id: newJob } })).toMatchObject({ endpointId: other, source: "webhook", status: "FAILED", error: "boom" });
  });
});

describe("POST /api/logs/upload", () => {
  it("stores a text file as upload lines (leading timestamps kept), once; oncall only; 413 above the cap", async () => {
    const ep = await newEndpoint();
    const file = "2026-11-28T10:00:00.123Z boot\n2026-11-28T10:00:01Z terminate called after throwing an instance of 'std::runtime_error'\n  what():  random_device could not be read\n";
    const oncall = { authorization: `Bearer ${creds.oncall.bearer}`, "content-type": "text/plain" };
    expect((await post("upload", `/api/logs/upload?endpointId=${ep}`, file, { authorization: `Bearer ${creds.engineer.bearer}`, "content-type": "text/plain" })).status).toBe(403);
    const r = await post("upload", `/api/logs/upload?endpointId=${ep}&workerId=w-up`, file, oncall);
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ lines: 3, inserted: 3, workerId: "w-up" });
    expect((await post("upload", `/api/logs/upload?endpointId=${ep}&workerId=w-up`, file, oncall)).json.inserted).toBe(0);
    const rows = await prisma.logLine.findMany({ where: { endpointId: ep }, orderBy: { id: "asc" } });
    expect(rows.map((l) => [l.source, l.workerId, l.ts.toISOString(), l.text])).toEqual([
      ["upload", "w-up", "2026-11-28T10:00:00.123Z", "boot"],
      ["upload", "w-up", "2026-11-28T10:00:01.000Z", "terminate called after throwing an instance of 'std::runtime_error'"],
      ["upload", "w-up", "2026-11-28T10:00:01.000Z", "  what():  random_device could not be read"],
    ]);

    const form = new FormData();
    form.set("file", new Blob(["multipart line\n"]), "crash.log");
    const req = new NextRequest(`http://sweepwatch.test/api/logs/upload?endpointId=${ep}`, { method: "POST", headers: { authorization: `Bearer ${creds.oncall.bearer}` }, body: form });
    const res = await t.callHandler(routes.upload, "POST", req);
    expect(res.status).toBe(201);
    expect(((await res.json()) as { inserted: number }).inserted).toBe(1);

    const big = await post("upload", `/api/logs/upload?endpointId=${ep}`, "z".repeat(5 * 1024 * 1024 + 70 * 1024), oncall);
    expect(big.status).toBe(413);
    expect((await post("upload", `/api/logs/upload?endpointId=nope-${uid()}`, "x\n", oncall)).status).toBe(404);
    expect((await post("upload", `/api/logs/upload?endpointId=${ep}`, "  \n", oncall)).status).toBe(422);
  });
});

describe("worker wrapper (scripts/worker-wrapper.py)", () => {
  let server: http.Server;
  let base: string;
  let script: string;

  beforeAll(async () => {
    // A real HTTP server in front of the route handler, as `next start` would be.
    server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const r = await t.callHandler(routes.ingest, "POST", new NextRequest(`http://127.0.0.1${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) }));
      res.writeHead(r.status, Object.fromEntries(r.headers.entries()));
      res.end(Buffer.from(await r.arrayBuffer()));
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const res = await t.callHandler(routes.wrapper, "GET", t.makeRequest("GET", "/api/worker-wrapper"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/python/);
    script = await res.text();
  });

  afterAll(async () => {
    await new Promise((ok) => server.close(ok));
  });

  function run(env: Record<string, string>, cmd: string[]): Promise<{ code: number | null; signal: string | null; stdout: Buffer; stderr: Buffer; ms: number }> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const p = spawn("python3", ["-c", script, "--", ...cmd], { env: { PATH: process.env.PATH ?? "", ...env } as unknown as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      p.stdout.on("data", (d: Buffer) => out.push(d));
      p.stderr.on("data", (d: Buffer) => err.push(d));
      p.on("error", reject);
      p.on("close", (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err), ms: Date.now() - started }));
    });
  }

  const handler = ["sh", "-c", "printf 'hello\\n'; printf 'oops: what(): random_device could not be read\\n' >&2; printf '\\342\\234\\223 no newline at end'; exit 3"];

  it("passes output and exit code through unchanged and ships the lines and the exit to the database", async () => {
    const ep = await newEndpoint();
    const direct = await run({}, handler);
    const wrapped = await run(
      { SWEEPWATCH_URL: base, SWEEPWATCH_INGEST_TOKEN: await tokenFor(ep), SWEEPWATCH_ENDPOINT_ID: ep, RUNPOD_POD_ID: "pod-abc" },
      handler,
    );
    expect(direct.code).toBe(3);
    expect(wrapped.code).toBe(3);
    expect(wrapped.stdout.equals(direct.stdout)).toBe(true);
    expect(wrapped.stderr.equals(direct.stderr)).toBe(true);
    const lines = await prisma.logLine.findMany({ where: { endpointId: ep }, orderBy: { id: "asc" } });
    expect(lines.map((l) => [l.workerId, l.stream, l.text]).sort()).toEqual(
      [
        ["pod-abc", "stdout", "hello"],
        ["pod-abc", "stderr", "oops: what(): random_device could not be read"],
        ["pod-abc", "stdout", "✓ no newline at end"],
      ].sort(),
    );
    const exit = await prisma.workerEvent.findFirstOrThrow({ where: { endpointId: ep, kind: "exit" } });
    expect(exit).toMatchObject({ workerId: "pod-abc", exitCode: 3, signal: null });
    // start-up facts that separate the TF abort variants: stdin (RunPod: no terminal), CPU, libstdc++, versions
    const startup = await prisma.workerEvent.findFirstOrThrow({ where: { endpointId: ep, kind: "startup" } });
    expect(startup.workerId).toBe("pod-abc");
    expect(startup.detail).toMatchObject({ stdin: "/dev/null", wrapperVersion: "1" });
    expect(Object.keys(startup.detail as object)).toEqual(expect.arrayContaining(["cpuVendor", "cpuFlags", "libstdcxx", "packages", "python"]));
  }, 30_000);

  it("reports death by signal and dies of the same signal", async () => {
    const ep = await newEndpoint();
    const r = await run({ SWEEPWATCH_URL: base, SWEEPWATCH_INGEST_TOKEN: await tokenFor(ep), SWEEPWATCH_ENDPOINT_ID: ep, SWEEPWATCH_WORKER_ID: "w-sig" }, ["sh", "-c", "echo about to abort; kill -ABRT $$"]);
    expect(r.signal).toBe("SIGABRT");
    expect(r.stdout.toString()).toBe("about to abort\n");
    const exit = await prisma.workerEvent.findFirstOrThrow({ where: { endpointId: ep, kind: "exit" } });
    expect(exit).toMatchObject({ workerId: "w-sig", exitCode: null, signal: "SIGABRT" });
  }, 30_000);

  it("changes nothing when sweepwatch is unreachable or rejects the token, and waits a bounded time", async () => {
    const direct = await run({}, handler);
    const down = await run({ SWEEPWATCH_URL: "http://127.0.0.1:9", SWEEPWATCH_INGEST_TOKEN: "swi_x", SWEEPWATCH_ENDPOINT_ID: "e", SWEEPWATCH_EXIT_TIMEOUT: "2" }, handler);
    expect(down.code).toBe(3);
    expect(down.stdout.equals(direct.stdout)).toBe(true);
    expect(down.stderr.equals(direct.stderr)).toBe(true);
    expect(down.ms).toBeLessThan(8_000);
    const rejected = await run({ SWEEPWATCH_URL: base, SWEEPWATCH_INGEST_TOKEN: `swi_${randomBytes(32).toString("base64url")}`, SWEEPWATCH_ENDPOINT_ID: "e" }, handler);
    expect(rejected.code).toBe(3);
    expect(rejected.stdout.equals(direct.stdout)).toBe(true);
    expect(rejected.stderr.equals(direct.stderr)).toBe(true);
    const unconfigured = await run({}, ["sh", "-c", "echo plain; exit 7"]);
    expect(unconfigured).toMatchObject({ code: 7 });
    expect(unconfigured.stdout.toString()).toBe("plain\n");
  }, 30_000);
});
