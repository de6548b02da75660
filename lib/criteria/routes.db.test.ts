/**
 * The criteria API through its route handlers (real Postgres, bearer tokens of each role):
 * list with evidence, the 422 path of a bad param, admin-only edits, attestation, report.md.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

process.env.SWEEPWATCH_MODE = "live";
process.env.RUNPOD_API_KEY = `rpa_TEST${randomBytes(8).toString("hex")}`;
process.env.SWEEPWATCH_SECRET_KEY = randomBytes(32).toString("hex");
process.env.RUNPOD_API_BASE = "http://127.0.0.1:9";
process.env.RUNPOD_REST_BASE = "http://127.0.0.1:9";

let t: typeof import("@/lib/auth/test-utils");
let creds: Awaited<ReturnType<typeof import("@/lib/auth/test-utils").createRoleCredentials>>;
let prisma: import("@/lib/db").PrismaClient;
const routes: Record<string, Record<string, unknown>> = {};
const ep = `crit-api-${randomBytes(3).toString("hex")}`;

beforeAll(async () => {
  (await import("@/lib/env")).resetEnvCache();
  t = await import("@/lib/auth/test-utils");
  const db = await import("@/lib/db");
  prisma = db.getPrisma();
  creds = await t.createRoleCredentials();
  const { createCtx } = await import("@/lib/ctx");
  const { seedDefaultCriteria } = await import("@/lib/criteria/repository");
  const { evaluateAllCriteria } = await import("@/lib/criteria/evaluation");
  await seedDefaultCriteria({}, createCtx({ db: prisma }));
  await prisma.endpoint.create({ data: { id: ep, name: ep } });
  await prisma.worker.create({ data: { endpointId: ep, id: `${ep}-w`, status: "UNHEALTHY", image: "img:v1", startedAt: new Date(Date.now() - 60_000), firstSeenAt: new Date(Date.now() - 60_000), lastSeenAt: new Date() } });
  await prisma.crashEvent.create({
    data: {
      endpointId: ep, workerId: `${ep}-w`, image: "img:v1", at: new Date(Date.now() - 30_000), signature: "random_device", fingerprint: "random_device:x",
      title: "random_device could not be read", source: "log", evidence: [{ text: "what():  random_device could not be read", match: true }], dedupeKey: `${ep}-c1`,
    },
  });
  await evaluateAllCriteria({}, createCtx({ db: prisma }));
  for (const p of ["/api/criteria", "/api/criteria/{id}", "/api/criteria/{id}/attest", "/api/criteria/evaluate", "/api/criteria/report.md", "/api/criteria/smoke", "/api/criteria/smoke/settings", "/api/overview"]) routes[p] = await t.importRoute(p);
});

afterAll(async () => {
  await (await import("@/lib/db")).disconnectPrisma();
});

const auth = (role: "viewer" | "engineer" | "oncall" | "admin") => ({ authorization: `Bearer ${creds[role].bearer}` });

async function call(route: string, method: string, url: string, role: "viewer" | "engineer" | "oncall" | "admin", body?: unknown, params: Record<string, string> = {}) {
  return t.callRoute(routes[route], method, url, { headers: auth(role), body, params });
}

async function idOf(key: string): Promise<string> {
  return String((await prisma.criterion.findUniqueOrThrow({ where: { key } })).id);
}

describe("criteria API", () => {
  it("GET /api/criteria returns horizon, title, state, since and evidence; ?endpointId narrows to one endpoint", async () => {
    const r = await call("/api/criteria", "GET", `/api/criteria?endpointId=${ep}`, "viewer");
    expect(r.status).toBe(200);
    const c = r.json.criteria.find((x: { key: string }) => x.key === "container-starts-without-random-device-crash");
    expect(c).toMatchObject({ horizon: "immediate", title: "Container starts without random device crash", state: "fail" });
    expect(c.since).toEqual(expect.any(String));
    expect(c.evidence[0]).toMatchObject({ kind: "crash", endpointId: ep });
    expect(c.history.length).toBeGreaterThan(0);
    const unknown = await call("/api/criteria", "GET", "/api/criteria?endpointId=nope-nope", "viewer");
    expect(unknown.status).toBe(404);
  });

  it("PATCH validates params against the rule (422 with the path), is admin only, and re-evaluates", async () => {
    const id = await idOf("no-random-device-restarts-7d");
    const bad = await call("/api/criteria/{id}", "PATCH", `/api/criteria/${id}`, "admin", { params: { signature: "random_device", days: -3 } }, { id });
    expect(bad.status).toBe(422);
    expect(bad.json.error.issues).toEqual([expect.objectContaining({ path: "body.params.days" })]);
    const extra = await call("/api/criteria/{id}", "PATCH", `/api/criteria/${id}`, "admin", { params: { dayz: 3 } }, { id });
    expect(extra.status).toBe(422);
    expect(extra.json.error.issues.map((i: { path: string }) => i.path)).toContain("body.params");
    const before = await prisma.criterion.findUniqueOrThrow({ where: { id: BigInt(id) } });
    expect(before.params).toMatchObject({ days: 7 });

    const denied = await call("/api/criteria/{id}", "PATCH", `/api/criteria/${id}`, "engineer", { params: { signature: "random_device", days: 3 } }, { id });
    expect(denied.status).toBe(403);

    const ok = await call("/api/criteria/{id}", "PATCH", `/api/criteria/${id}`, "admin", { params: { signature: "random_device", days: 3 } }, { id });
    expect(ok.status).toBe(200);
    expect(ok.json.params).toMatchObject({ signature: "random_device", days: 3 });
    const audit = await prisma.auditLog.findFirst({ where: { action: "criterion.update", targetId: id }, orderBy: { id: "desc" } });
    expect(audit).not.toBeNull();
    // restore for the other tests sharing the database
    await call("/api/criteria/{id}", "PATCH", `/api/criteria/${id}`, "admin", { params: { signature: "random_device", days: 7 } }, { id });
    const missing = await call("/api/criteria/{id}", "PATCH", "/api/criteria/999999999", "admin", { title: "x" }, { id: "999999999" });
    expect(missing.status).toBe(404);
  });

  it("POST /api/criteria/{id}/attest records who and when and turns the attestation criterion to pass", async () => {
    // Its own attestation criterion: other tests evaluate the seeded ones at simulated (future) times.
    const own = await prisma.criterion.create({ data: { key: `docs-${ep}`, horizon: "long_term", title: "Runbook written", rule: "attestation", params: { what: "runbook" }, endpointId: ep } });
    const id = String(own.id);
    const viewer = await call("/api/criteria/{id}/attest", "POST", `/api/criteria/${id}/attest`, "viewer", { link: "https://wiki.example.com/fix" }, { id });
    expect(viewer.status).toBe(403);
    const badLink = await call("/api/criteria/{id}/attest", "POST", `/api/criteria/${id}/attest`, "engineer", { link: "javascript:alert(1)" }, { id });
    expect(badLink.status).toBe(422);
    expect(badLink.json.error.issues[0].path).toBe("body.link");
    const r = await call("/api/criteria/{id}/attest", "POST", `/api/criteria/${id}/attest`, "engineer", { link: "https://wiki.example.com/fix", note: "runbook written" }, { id });
    expect(r.status).toBe(201);
    expect(r.json.criterion.state).toBe("pass");
    expect(r.json.attestations[0]).toMatchObject({ by: "token:engineer test token", link: "https://wiki.example.com/fix", note: "runbook written" });
    expect(r.json.criterion.evidence[0]).toMatchObject({ kind: "attestation", href: "https://wiki.example.com/fix" });
    const other = await idOf("health-check-responds");
    const wrong = await call("/api/criteria/{id}/attest", "POST", `/api/criteria/${other}/attest`, "engineer", {}, { id: other });
    expect(wrong.status).toBe(409);
  });

  it("POST /api/criteria creates from the typed rule set (admin); unknown rules and duplicate keys are refused", async () => {
    const body = { key: `smoke-${ep}`, horizon: "immediate", title: "Smoke on the canary", rule: "smoke_job_passed", endpointId: ep, params: { everyMinutes: 30 } };
    const created = await call("/api/criteria", "POST", "/api/criteria", "admin", body);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ key: `smoke-${ep}`, endpointId: ep, rule: "smoke_job_passed", params: { everyMinutes: 30 } });
    expect(created.json.evaluatedAt).not.toBeNull();
    expect((await call("/api/criteria", "POST", "/api/criteria", "admin", body)).status).toBe(409);
    const badRule = await call("/api/criteria", "POST", "/api/criteria", "admin", { ...body, key: undefined, rule: "vibes" });
    expect(badRule.status).toBe(422);
    expect(badRule.json.error.issues[0].path).toBe("body.rule");
    const badEp = await call("/api/criteria", "POST", "/api/criteria", "admin", { ...body, key: `x-${ep}`, endpointId: "no-such-endpoint" });
    expect(badEp.status).toBe(422);
    expect(await prisma.criterion.count({ where: { key: `x-${ep}` } })).toBe(0);
  });

  it("evaluate now, the Markdown report and the overview answer", async () => {
    const ev = await call("/api/criteria/evaluate", "POST", "/api/criteria/evaluate", "viewer");
    expect(ev.status).toBe(200);
    expect(ev.json.evaluations).toBeGreaterThan(0);
    const md = await call("/api/criteria/report.md", "GET", `/api/criteria/report.md?endpointId=${ep}`, "viewer");
    expect(md.status).toBe(200);
    expect(md.headers.get("content-type")).toContain("text/markdown");
    expect(md.text).toContain("❌ Fail | Container starts without random device crash");
    expect(md.text).toContain(`(http://sweepwatch.test/endpoints/${ep}?crash=`);
    const ov = await call("/api/overview", "GET", "/api/overview", "viewer");
    expect(ov.status).toBe(200);
    expect(ov.json.endpoints.some((e: { id: string }) => e.id === ep)).toBe(true);
  });

  it("PUT /api/criteria/smoke/settings opts an endpoint in (admin, audited, checked); nothing is sent before", async () => {
    const notIn = await call("/api/criteria/smoke", "POST", "/api/criteria/smoke", "engineer", { endpointId: ep });
    expect(notIn.status).toBe(409);
    expect(notIn.json.error.message).toContain("not opted in");
    expect(await prisma.smokeRun.count({ where: { endpointId: ep } })).toBe(0);
    const body = { endpointId: ep, optIn: true, input: { op: "matmul" }, expect: { "result.sum": 6 } };
    expect((await call("/api/criteria/smoke/settings", "PUT", "/api/criteria/smoke/settings", "engineer", body)).status).toBe(403);
    const bad = await call("/api/criteria/smoke/settings", "PUT", "/api/criteria/smoke/settings", "admin", { ...body, expect: { loss: { $between: [0, 1] } } });
    expect(bad.status).toBe(422);
    expect(bad.json.error.issues[0].path).toBe("body.expect");
    const noInput = await call("/api/criteria/smoke/settings", "PUT", "/api/criteria/smoke/settings", "admin", { endpointId: ep, optIn: true });
    expect(noInput.status).toBe(422);
    expect((await prisma.endpoint.findUniqueOrThrow({ where: { id: ep } })).smokeOptIn).toBe(false);
    const ok = await call("/api/criteria/smoke/settings", "PUT", "/api/criteria/smoke/settings", "admin", body);
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ endpointId: ep, optIn: true, input: { op: "matmul" }, expect: { "result.sum": 6 } });
    expect(await prisma.auditLog.count({ where: { action: "endpoint.smoke_settings", targetId: ep } })).toBe(1);
    // anyone signed in reads them back (the criteria page's settings panel); unknown endpoints are 404
    const read = await call("/api/criteria/smoke/settings", "GET", `/api/criteria/smoke/settings?endpointId=${ep}`, "viewer");
    expect(read.json).toEqual(ok.json);
    expect((await call("/api/criteria/smoke/settings", "GET", "/api/criteria/smoke/settings?endpointId=no-such-ep", "viewer")).status).toBe(404);
  });

  it("POST /api/criteria/smoke runs a manual smoke job (engineer); a submission RunPod refuses is recorded, not lost", async () => {
    expect((await call("/api/criteria/smoke", "POST", "/api/criteria/smoke", "viewer", { endpointId: ep })).status).toBe(403);
    expect((await call("/api/criteria/smoke", "POST", "/api/criteria/smoke", "engineer", { endpointId: "no-such-ep" })).status).toBe(404);
    await prisma.endpoint.update({ where: { id: ep }, data: { smokeOptIn: true, smokeInput: { op: "matmul" } } });
    // RunPod points at the discard port in this test: the submission fails and is kept as SUBMIT_FAILED.
    const r = await call("/api/criteria/smoke", "POST", "/api/criteria/smoke", "engineer", { endpointId: ep });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ endpointId: ep, trigger: "manual", status: "SUBMIT_FAILED", ok: false, jobId: null, image: "img:v1", deployment: "image:img:v1" });
    expect(r.text).not.toContain(process.env.RUNPOD_API_KEY!);
    const list = await call("/api/criteria/smoke", "GET", `/api/criteria/smoke?endpointId=${ep}`, "viewer");
    expect(list.json.runs[0]).toMatchObject({ id: r.json.id, trigger: "manual" });
  });
});
