/**
 * Every route under app/api/ (found on disk, so new routes are covered automatically) must
 * have a spec in allRouteSpecs, and answers as the role table says: 401 without
 * credentials, 403 for roles below the rule, neither for roles at or above it. Also: no
 * answer or log line carries a configured RunPod key, and cookie-authenticated writes
 * without the CSRF token or from another origin are refused.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { RouteSpec } from "@/lib/http/spec";

const ENV_KEY = `rpa_ENVCANARY${randomBytes(12).toString("hex").toUpperCase()}`;
const STORED_KEY = `rpa_STOREDCANARY${randomBytes(12).toString("hex").toUpperCase()}`;
process.env.RUNPOD_API_KEY = ENV_KEY;
process.env.SWEEPWATCH_MODE = "live";
process.env.SWEEPWATCH_SECRET_KEY = randomBytes(32).toString("hex");
// Nothing may leave the machine: point RunPod at the discard port.
process.env.RUNPOD_API_BASE = "http://127.0.0.1:9";
process.env.RUNPOD_REST_BASE = "http://127.0.0.1:9";

type Mod = Record<string, unknown>;
interface Case {
  method: string;
  path: string;
  params: Record<string, string>;
  spec: RouteSpec;
  mod: Mod;
}

let t: typeof import("./test-utils");
let roles: typeof import("@/lib/domain/roles");
let creds: Awaited<ReturnType<typeof import("./test-utils").createRoleCredentials>>;
const cases: Case[] = [];
const missingSpecs: string[] = [];
const specsWithoutRoute: string[] = [];
const importErrors: string[] = [];
const logged: string[] = [];
const bodies: { where: string; text: string }[] = [];

function urlFor(path: string, params: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(params[k] ?? "x"));
}

async function call(c: Case, headers: Record<string, string>, body?: unknown): Promise<{ status: number; text: string }> {
  const req = t.makeRequest(c.method, urlFor(c.path, c.params), { headers, body: body ?? (c.method === "GET" || c.method === "DELETE" ? undefined : {}) });
  const res = await t.callHandler(c.mod, c.method, req, c.params);
  const text = await t.readSome(res);
  bodies.push({ where: `${c.method} ${c.path} → ${res.status}`, text: text + JSON.stringify([...res.headers.entries()]) });
  return { status: res.status, text };
}

const label = (c: Case) => `${c.method} ${c.path} [${String(c.spec.access)}]`;

beforeAll(async () => {
  const { resetEnvCache } = await import("@/lib/env");
  resetEnvCache();
  for (const stream of [process.stdout, process.stderr]) {
    const orig = stream.write.bind(stream);
    vi.spyOn(stream, "write").mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      logged.push(String(chunk));
      return (orig as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  }
  t = await import("./test-utils");
  roles = await import("@/lib/domain/roles");
  const { allRouteSpecs } = await import("@/lib/api/specs");
  creds = await t.createRoleCredentials();

  const files = t.findRouteFiles();
  const seen = new Set<string>();
  for (const f of files) {
    let mod: Mod;
    try {
      mod = (await import(/* @vite-ignore */ f.file)) as Mod;
    } catch (e) {
      importErrors.push(`${f.path}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    for (const method of t.HTTP_METHODS) {
      if (typeof mod[method] !== "function") continue;
      const spec = allRouteSpecs.find((s) => s.method === method && s.path === f.path);
      seen.add(`${method} ${f.path}`);
      if (!spec) {
        missingSpecs.push(`${method} ${f.path} (${f.file.slice(t.ROOT.length + 1)})`);
        continue;
      }
      cases.push({ method, path: f.path, params: Object.fromEntries(f.params.map((p) => [p, `does-not-exist-${p}`])), spec, mod });
    }
  }
  for (const s of allRouteSpecs) if (!seen.has(`${s.method} ${s.path}`)) specsWithoutRoute.push(`${s.method} ${s.path}`);
}, 120_000);

afterAll(async () => {
  vi.restoreAllMocks();
  const { disconnectPrisma } = await import("@/lib/db");
  await disconnectPrisma();
});

describe("route access rules (every app/api route, from the filesystem)", () => {
  it("finds routes, and every route module imports", () => {
    expect(importErrors).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  it("every exported route handler has a spec in allRouteSpecs (lib/api/specs/index.ts)", () => {
    expect(missingSpecs, "add a defineRoute spec (with its access rule) for these handlers").toEqual([]);
  });

  it("every spec has a route handler", () => {
    expect(specsWithoutRoute).toEqual([]);
  });

  it("without credentials: 401 on role routes; public routes answer; secret routes refuse", async () => {
    const wrong: string[] = [];
    for (const c of cases) {
      const { status } = await call(c, {});
      const a = c.spec.access;
      if (a === "public" ? status === 401 || status === 403 : a === "secret" ? status < 400 || status >= 500 : status !== 401) wrong.push(`${label(c)} → ${status}`);
    }
    expect(wrong).toEqual([]);
  });

  it("with an API token of each role: 403 below the rule, allowed at or above it", async () => {
    const wrong: string[] = [];
    for (const c of cases) {
      if (c.spec.access === "public" || c.spec.access === "secret") continue;
      for (const role of roles.ROLES) {
        const { status } = await call(c, { authorization: `Bearer ${creds[role].bearer}` });
        const allowed = roles.accessSatisfied(role, c.spec.access as Exclude<RouteSpec["access"], "public" | "secret">);
        if (allowed ? status === 401 || status === 403 : status !== 403) wrong.push(`${label(c)} as ${role} → ${status} (expected ${allowed ? "allowed" : "403"})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("with a session of each role (same-origin, with the CSRF token): the same rules", async () => {
    const wrong: string[] = [];
    for (const c of cases) {
      if (c.spec.access === "public" || c.spec.access === "secret" || c.path === "/api/auth/logout") continue;
      for (const role of roles.ROLES) {
        const { status } = await call(c, t.sessionHeaders(creds[role]));
        const allowed = roles.accessSatisfied(role, c.spec.access as Exclude<RouteSpec["access"], "public" | "secret">);
        if (allowed ? status === 401 || status === 403 : status !== 403) wrong.push(`${label(c)} as ${role} → ${status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("a revoked or made-up token is a 401 everywhere it matters", async () => {
    const roleCases = cases.filter((c) => c.spec.access !== "public" && c.spec.access !== "secret");
    const wrong: string[] = [];
    for (const c of roleCases) {
      const { status } = await call(c, { authorization: `Bearer swt_${randomBytes(32).toString("base64url")}` });
      if (status !== 401) wrong.push(`${label(c)} → ${status}`);
    }
    expect(wrong).toEqual([]);
  });

  it("no authorised call with empty input answers 5xx", async () => {
    const wrong: string[] = [];
    for (const c of cases) {
      if (c.spec.access === "secret") continue;
      const { status, text } = await call(c, { authorization: `Bearer ${creds.admin.bearer}` });
      if (status >= 500 && !(c.path === "/api/health" && status === 503)) wrong.push(`${label(c)} → ${status} ${text.slice(0, 200)}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe("limits on every route", () => {
  it("a JSON body over the route's maxBodyBytes answers 413 and changes nothing", async () => {
    const wrong: string[] = [];
    const withBody = cases.filter((c) => c.spec.body && c.spec.access !== "secret" && c.method !== "GET");
    for (const c of withBody) {
      const max = c.spec.maxBodyBytes ?? 1024 * 1024;
      const big = JSON.stringify({ pad: "x".repeat(max) });
      const { status } = await call(c, { authorization: `Bearer ${creds.admin.bearer}` }, big);
      if (status !== 413) wrong.push(`${label(c)} → ${status}`);
    }
    expect(withBody.length).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
  });

  it("every paginated list caps its page size (limit ≤ 1000)", async () => {
    const { z } = await import("zod");
    const wrong: string[] = [];
    for (const c of cases) {
      if (!c.spec.query) continue;
      const js = z.toJSONSchema(c.spec.query, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, { maximum?: number; anyOf?: { maximum?: number }[] }> };
      const limit = js.properties?.limit;
      if (!limit) continue;
      const max = limit.maximum ?? limit.anyOf?.map((x) => x.maximum).find((m) => m !== undefined);
      if (max === undefined || max > 1000) wrong.push(`${label(c)}: limit maximum ${max ?? "none"}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe("CSRF on every cookie-authenticated state-changing route", () => {
  const writes = () => cases.filter((c) => c.method !== "GET" && c.spec.access !== "secret" && c.spec.access !== "public");

  it("refuses a session without the X-CSRF-Token header", async () => {
    const wrong: string[] = [];
    for (const c of writes()) {
      const h = t.sessionHeaders(creds.admin);
      delete h["x-csrf-token"];
      const { status, text } = await call(c, h);
      if (status !== 403 || !/CSRF/.test(text)) wrong.push(`${label(c)} → ${status}`);
    }
    expect(writes().length).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
  });

  it("refuses a wrong token, and a cross-site form post even with the right cookie", async () => {
    const wrong: string[] = [];
    for (const c of writes()) {
      const bad = await call(c, { ...t.sessionHeaders(creds.admin), "x-csrf-token": "not-the-token" });
      if (bad.status !== 403) wrong.push(`${label(c)} wrong token → ${bad.status}`);
      const form = await call(
        c,
        { cookie: `sw_session=${creds.admin.sessionToken}; sw_csrf=${creds.admin.csrfToken}`, origin: "https://evil.example", "sec-fetch-site": "cross-site", "content-type": "application/x-www-form-urlencoded" },
        "name=x&role=admin",
      );
      if (form.status !== 403) wrong.push(`${label(c)} cross-site form → ${form.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it("bearer tokens are exempt (scripts cannot be forged cross-site)", async () => {
    const c = cases.find((x) => x.method === "POST" && x.path === "/api/users")!;
    const { status } = await call(c, { authorization: `Bearer ${creds.admin.bearer}` }, { username: t.uniqueName("csrf-bearer"), password: "a long enough password", role: "viewer" });
    expect(status).toBe(201);
  });
});

describe("RunPod keys never leave the server", () => {
  it("a configured (env) and a stored key appear in no answer, header or log line", async () => {
    const add = cases.find((c) => c.method === "POST" && c.path === "/api/admin/runpod-keys")!;
    const r = await call(add, t.sessionHeaders(creds.admin), { label: "canary", apiKey: STORED_KEY });
    expect(r.status).toBe(201);
    expect(r.text).toContain(`rp_…${STORED_KEY.slice(-4)}`);
    const { getRunpodApiKey } = await import("@/lib/secrets/runpod-key");
    const { createCtx } = await import("@/lib/ctx");
    expect(await getRunpodApiKey({}, createCtx())).toBe(ENV_KEY); // environment wins
    // Exercise every route as admin and as viewer, then scan everything seen so far.
    for (const c of cases) {
      await call(c, { authorization: `Bearer ${creds.admin.bearer}` });
      if (c.method === "GET") await call(c, { authorization: `Bearer ${creds.viewer.bearer}` });
    }
    const openapi = cases.find((c) => c.path === "/api/openapi.json");
    if (openapi) await call(openapi, {});
    expect(bodies.length).toBeGreaterThan(cases.length);
    for (const secret of [ENV_KEY, STORED_KEY, ENV_KEY.slice(4), STORED_KEY.slice(4)]) {
      expect(bodies.filter((b) => b.text.includes(secret)).map((b) => b.where)).toEqual([]);
      expect(logged.filter((l) => l.includes(secret))).toEqual([]);
    }
  });
});
