import { randomBytes } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { disconnectPrisma, getPrisma } from "@/lib/db";
import { createUser, updateUser, LastAdminError } from "@/lib/auth/service";
import { createIngestToken, revokeIngestToken, verifyIngestToken, findIngestToken } from "@/lib/auth/service";
import { listAudit, recordAudit } from "@/lib/data/audit";
import { getRunpodApiKey, storeRunpodApiKey } from "@/lib/secrets/runpod-key";
import { resetSecretKeyCache } from "@/lib/secrets/crypto";
import { hashToken } from "./tokens";
import { createSession, resolveSession, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from "./session";
import { LoginRateLimiter } from "./rate-limit";
import { login } from "./login";
import { authorize, DEMO_PRINCIPAL } from "./authorize";
import { SYSTEM_PRINCIPAL, type Principal } from "./principal";
import { createCtx } from "@/lib/ctx";
import { callHandler, importRoute, makeRequest, readSome, sessionHeaders, uniqueName } from "./test-utils";

const loginRoute = await importRoute("/api/auth/login");
const logoutRoute = await importRoute("/api/auth/logout");
const meRoute = await importRoute("/api/auth/me");
const tokensRoute = await importRoute("/api/tokens");
const tokenRoute = await importRoute("/api/tokens/{id}");
const usersRoute = await importRoute("/api/users");

const savedEnv = { ...process.env };
function setEnv(vars: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvCache();
  resetSecretKeyCache();
}

beforeEach(() => setEnv({ SWEEPWATCH_MODE: "live", RUNPOD_API_KEY: undefined, SWEEPWATCH_SECRET_KEY: randomBytes(32).toString("hex") }));
afterAll(async () => {
  process.env = savedEnv;
  resetEnvCache();
  await disconnectPrisma();
});

const system = createCtx({ principal: SYSTEM_PRINCIPAL });
const as = (principal: Principal) => createCtx({ principal });
const at = (t: Date | number) => createCtx({ now: () => new Date(t) });

async function newUser(role: "viewer" | "engineer" | "oncall" | "admin" = "viewer") {
  const username = uniqueName(`flow-${role}`);
  const password = `pw-${randomBytes(8).toString("hex")}`;
  const user = await createUser({ username, password, role }, system);
  return { user, username, password };
}

function cookiesOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(";");
    const i = pair.indexOf("=");
    out[pair.slice(0, i)] = decodeURIComponent(pair.slice(i + 1));
  }
  return out;
}

describe("sign-in over HTTP", () => {
  it("logs in, sets secure cookies, answers /me, and logs out", async () => {
    const { username, password } = await newUser("engineer");
    const res = await callHandler(loginRoute, "POST", makeRequest("POST", "/api/auth/login", { body: { username: username.toUpperCase(), password }, headers: { origin: "http://sweepwatch.test" } }));
    expect(res.status).toBe(200);
    const setCookies = res.headers.getSetCookie();
    const session = setCookies.find((c) => c.startsWith("sw_session="))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(session).not.toMatch(/Secure/); // plain http (localhost) must still work
    expect(setCookies.find((c) => c.startsWith("sw_csrf="))).not.toMatch(/HttpOnly/);
    const https = await callHandler(loginRoute, "POST", makeRequest("POST", "/api/auth/login", { body: { username, password }, headers: { "x-forwarded-proto": "https" } }));
    expect(https.headers.getSetCookie().every((c) => /; Secure/.test(c))).toBe(true);

    const c = cookiesOf(res);
    const hdrs = sessionHeaders({ sessionToken: c.sw_session, csrfToken: c.sw_csrf });
    const me = await callHandler(meRoute, "GET", makeRequest("GET", "/api/auth/me", { headers: hdrs }));
    expect(await me.json()).toMatchObject({ principal: { name: username, role: "engineer", via: "session" }, mode: "live" });
    // the database stores only the hash of the session token
    expect(await getPrisma().session.count({ where: { tokenHash: c.sw_session } })).toBe(0);
    expect(await getPrisma().session.count({ where: { tokenHash: hashToken(c.sw_session) } })).toBe(1);

    const out = await callHandler(logoutRoute, "POST", makeRequest("POST", "/api/auth/logout", { headers: hdrs }));
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().every((x) => /Max-Age=0/.test(x))).toBe(true);
    const after = await callHandler(meRoute, "GET", makeRequest("GET", "/api/auth/me", { headers: hdrs }));
    expect((await after.json()).principal).toBeNull();
  });

  it("answers the same 401 for a wrong password and an unknown user, and a disabled user cannot sign in", async () => {
    const { user, username, password } = await newUser();
    const a = await callHandler(loginRoute, "POST", makeRequest("POST", "/api/auth/login", { body: { username, password: "wrong password!" } }));
    const b = await callHandler(loginRoute, "POST", makeRequest("POST", "/api/auth/login", { body: { username: uniqueName("nobody"), password } }));
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(await a.json()).toEqual(await b.json());
    await updateUser({ id: user.id, patch: { disabled: true } }, system);
    const c = await callHandler(loginRoute, "POST", makeRequest("POST", "/api/auth/login", { body: { username, password } }));
    expect(c.status).toBe(401);
  });

  it("refuses a cross-site login form post", async () => {
    const { username, password } = await newUser();
    const res = await callHandler(
      loginRoute,
      "POST",
      makeRequest("POST", "/api/auth/login", { body: { username, password }, headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" } }),
    );
    expect(res.status).toBe(403);
  });

  it("rate-limits repeated failures per username+IP with Retry-After, even for the right password", async () => {
    const { username, password } = await newUser();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await callHandler(loginRoute, "POST", makeRequest("POST", "/api/auth/login", { body: { username, password: `wrong-${i}-password` }, remote: "198.51.100.7" }));
      statuses.push(r.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const locked = await callHandler(loginRoute, "POST", makeRequest("POST", "/api/auth/login", { body: { username, password }, remote: "198.51.100.7" }));
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    const otherIp = await callHandler(loginRoute, "POST", makeRequest("POST", "/api/auth/login", { body: { username, password }, remote: "198.51.100.8" }));
    expect(otherIp.status).toBe(200);
  });

  it("lets the limiter window pass with an injected clock", async () => {
    const { username, password } = await newUser();
    let now = Date.now();
    const limiter = new LoginRateLimiter({ windowMs: 60_000, perUserIp: 2, perUser: 10 });
    const ctx = createCtx({ now: () => new Date(now) });
    for (let i = 0; i < 2; i++) await expect(login({ username, password: "nope nope nope", ip: "1.2.3.4", userAgent: null, limiter }, ctx)).rejects.toThrow(/Wrong username/);
    await expect(login({ username, password, ip: "1.2.3.4", userAgent: null, limiter }, ctx)).rejects.toThrow(/Too many/);
    now += 60_001;
    await expect(login({ username, password, ip: "1.2.3.4", userAgent: null, limiter }, ctx)).resolves.toMatchObject({ principal: { name: username } });
  });
});

describe("sessions", () => {
  it("expire after the idle timeout and at the absolute limit, sliding while used", async () => {
    const { user } = await newUser();
    const t0 = new Date("2030-01-01T00:00:00Z");
    const s = await createSession({ userId: user.id, userAgent: null, ip: null }, at(t0));
    expect(await resolveSession({ token: s.token }, at(t0.getTime() + SESSION_IDLE_MS - 1000))).not.toBeNull();
    // that use slid the idle expiry forward
    expect(await resolveSession({ token: s.token }, at(t0.getTime() + SESSION_IDLE_MS + 1000))).not.toBeNull();
    // idle too long → gone, and deleted
    expect(await resolveSession({ token: s.token }, at(t0.getTime() + 3 * SESSION_IDLE_MS))).toBeNull();
    expect(await resolveSession({ token: s.token }, at(t0.getTime() + SESSION_IDLE_MS))).toBeNull();

    const s2 = await createSession({ userId: user.id, userAgent: null, ip: null }, at(t0));
    let t = t0.getTime();
    while (t + SESSION_IDLE_MS / 2 < t0.getTime() + SESSION_ABSOLUTE_MS) {
      t += SESSION_IDLE_MS / 2;
      expect(await resolveSession({ token: s2.token }, at(t))).not.toBeNull();
    }
    expect(await resolveSession({ token: s2.token }, at(t0.getTime() + SESSION_ABSOLUTE_MS + 1))).toBeNull();
  });

  it("end when the user is disabled or changes password", async () => {
    const { user } = await newUser();
    const s = await createSession({ userId: user.id, userAgent: null, ip: null }, system);
    expect(await resolveSession({ token: s.token }, system)).not.toBeNull();
    await updateUser({ id: user.id, patch: { password: "a brand new password" } }, system);
    expect(await resolveSession({ token: s.token }, system)).toBeNull();
  });
});

describe("API tokens over HTTP", () => {
  it("are created once, used as Bearer, show lastUsedAt, and stop working when revoked", async () => {
    const { user, username, password } = await newUser("engineer");
    const li = await callHandler(loginRoute, "POST", makeRequest("POST", "/api/auth/login", { body: { username, password } }));
    const c = cookiesOf(li);
    const hdrs = sessionHeaders({ sessionToken: c.sw_session, csrfToken: c.sw_csrf });
    const tooHigh = await callHandler(tokensRoute, "POST", makeRequest("POST", "/api/tokens", { headers: hdrs, body: { name: "ci", role: "admin" } }));
    expect(tooHigh.status).toBe(403);
    const created = await callHandler(tokensRoute, "POST", makeRequest("POST", "/api/tokens", { headers: hdrs, body: { name: "ci", role: "engineer" } }));
    expect(created.status).toBe(201);
    const { token, secret } = await created.json();
    expect(secret).toMatch(/^swt_/);
    expect(token.prefix).toBe(secret.slice(0, 10));
    expect(await getPrisma().apiToken.count({ where: { tokenHash: secret } })).toBe(0);

    const list = await callHandler(tokensRoute, "GET", makeRequest("GET", "/api/tokens", { headers: { authorization: `Bearer ${secret}` } }));
    expect(list.status).toBe(200);
    const listed = (await list.json()).tokens as { id: string; lastUsedAt: string | null }[];
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(listed.find((x) => x.id === token.id)?.lastUsedAt).not.toBeNull();
    // a token cannot mint tokens
    const mint = await callHandler(tokensRoute, "POST", makeRequest("POST", "/api/tokens", { headers: { authorization: `Bearer ${secret}` }, body: { name: "x", role: "viewer" } }));
    expect(mint.status).toBe(403);
    // another non-admin user cannot revoke it
    const other = await newUser("engineer");
    const os = await createSession({ userId: other.user.id, userAgent: null, ip: null }, system);
    const foreign = await callHandler(tokenRoute, "DELETE", makeRequest("DELETE", `/api/tokens/${token.id}`, { headers: sessionHeaders({ sessionToken: os.token, csrfToken: os.csrfToken }) }), { id: token.id });
    expect(foreign.status).toBe(404);

    const rev = await callHandler(tokenRoute, "DELETE", makeRequest("DELETE", `/api/tokens/${token.id}`, { headers: hdrs }), { id: token.id });
    expect(rev.status).toBe(200);
    const after = await callHandler(tokensRoute, "GET", makeRequest("GET", "/api/tokens", { headers: { authorization: `Bearer ${secret}` } }));
    expect(after.status).toBe(401);
    const audit = await listAudit({ limit: 50, targetId: token.id }, system);
    expect(audit.entries.map((e) => e.action).sort()).toEqual(["api_token.create", "api_token.revoke"]);
    expect(audit.entries.every((e) => e.actorName === user.username)).toBe(true);
  });
});

describe("demo mode", () => {
  it("signs in localhost requests as the demo admin, never remote ones, never in live mode", async () => {
    setEnv({ SWEEPWATCH_MODE: "demo" });
    const local = makeRequest("GET", "/api/users", { host: "localhost:3000", remote: "127.0.0.1" });
    expect(await authorize({ req: local, access: "admin" }, createCtx())).toEqual(DEMO_PRINCIPAL);
    const remote = makeRequest("GET", "/api/users", { host: "localhost:3000", remote: "203.0.113.5" });
    await expect(authorize({ req: remote, access: "viewer" }, createCtx())).rejects.toMatchObject({ status: 401 });
    const otherHost = makeRequest("GET", "/api/users", { host: "sweepwatch.example.com", remote: "127.0.0.1" });
    await expect(authorize({ req: otherHost, access: "viewer" }, createCtx())).rejects.toMatchObject({ status: 401 });
    setEnv({ SWEEPWATCH_MODE: "live" });
    await expect(authorize({ req: makeRequest("GET", "/api/users", { host: "localhost:3000", remote: "127.0.0.1" }), access: "viewer" }, createCtx())).rejects.toMatchObject({ status: 401 });
  });

  it("still refuses cross-site writes from a browser, and needs the double-submit token", async () => {
    setEnv({ SWEEPWATCH_MODE: "demo" });
    const base = { host: "localhost:3000", remote: "127.0.0.1" };
    const body = { username: uniqueName("demo-made"), password: "a long enough password", role: "viewer" };
    const cross = await callHandler(usersRoute, "POST", makeRequest("POST", "/api/users", { ...base, body, headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" } }));
    expect(cross.status).toBe(403);
    const noToken = await callHandler(usersRoute, "POST", makeRequest("POST", "/api/users", { ...base, body, headers: { origin: "http://localhost:3000", "sec-fetch-site": "same-origin", cookie: "sw_csrf=abc123" } }));
    expect(noToken.status).toBe(403);
    expect(await readSome(noToken)).toMatch(/CSRF/);
    const ok = await callHandler(
      usersRoute,
      "POST",
      makeRequest("POST", "/api/users", { ...base, body, headers: { origin: "http://localhost:3000", "sec-fetch-site": "same-origin", cookie: "sw_csrf=abc123", "x-csrf-token": "abc123" } }),
    );
    expect(ok.status).toBe(201);
    // scripts on the machine itself (no browser headers) work without a token
    const script = await callHandler(usersRoute, "GET", makeRequest("GET", "/api/users", base));
    expect(script.status).toBe(200);
  });
});

describe("users", () => {
  it("refuse to demote or disable the last active admin", async () => {
    const prisma = getPrisma();
    // make every other admin inactive for this check, then restore
    const others = await prisma.user.findMany({ where: { role: "admin", disabledAt: null }, select: { id: true } });
    await prisma.user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { disabledAt: new Date() } });
    try {
      const { user } = await newUser("admin");
      await expect(updateUser({ id: user.id, patch: { role: "viewer" } }, system)).rejects.toBeInstanceOf(LastAdminError);
      await expect(updateUser({ id: user.id, patch: { disabled: true } }, system)).rejects.toBeInstanceOf(LastAdminError);
      const second = await newUser("admin");
      await expect(updateUser({ id: user.id, patch: { role: "viewer" } }, system)).resolves.toMatchObject({ role: "viewer" });
      await prisma.user.update({ where: { id: second.user.id }, data: { disabledAt: new Date() } });
    } finally {
      await prisma.user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { disabledAt: null } });
    }
  });

  it("record who changed what in the audit log, with secrets redacted", async () => {
    const { user } = await newUser();
    await updateUser({ id: user.id, patch: { role: "oncall" } }, as({ kind: "user", id: "u1", name: "alice", role: "admin" }));
    const page = await listAudit({ limit: 10, targetType: "user", targetId: user.id }, system);
    expect(page.entries[0]).toMatchObject({ action: "user.update", actorName: "alice", detail: { role: { from: "viewer", to: "oncall" } } });
    const key = `rpa_${randomBytes(16).toString("hex")}`;
    await storeRunpodApiKey({ label: "audit redaction", apiKey: key }, system);
    await recordAudit({ action: "test.secret", targetId: user.id, detail: { oops: `key was ${key}` } }, system);
    const entry = (await listAudit({ limit: 1, action: "test.secret", targetId: user.id }, system)).entries[0];
    expect(JSON.stringify(entry.detail)).toContain("[redacted]");
    expect(JSON.stringify(entry.detail)).not.toContain(key.slice(4));
  });

  it("paginate the audit log by cursor without overlap", async () => {
    const target = uniqueName("page");
    for (let i = 0; i < 5; i++) await recordAudit({ action: "test.page", targetType: "t", targetId: target, detail: { i } }, system);
    const p1 = await listAudit({ limit: 2, targetId: target }, system);
    const p2 = await listAudit({ limit: 2, targetId: target, before: p1.nextCursor! }, system);
    const p3 = await listAudit({ limit: 2, targetId: target, before: p2.nextCursor! }, system);
    expect([...p1.entries, ...p2.entries, ...p3.entries].map((e) => e.detail?.i)).toEqual([4, 3, 2, 1, 0]);
    expect(p3.nextCursor).toBeNull();
  });
});

describe("ingest tokens", () => {
  it("verify only for their endpoint, are stored hashed, and stop when revoked", async () => {
    const ep = uniqueName("ep");
    const ep2 = uniqueName("ep");
    await getPrisma().endpoint.createMany({ data: [{ id: ep, name: ep }, { id: ep2, name: ep2 }] });
    const { token, secret } = await createIngestToken({ endpointId: ep, name: "worker" }, system);
    expect(secret).toMatch(/^swi_/);
    expect(await verifyIngestToken({ endpointId: ep, token: secret }, system)).toBe(true);
    expect(await verifyIngestToken({ endpointId: ep2, token: secret }, system)).toBe(false);
    expect(await verifyIngestToken({ endpointId: ep, token: secret + "x" }, system)).toBe(false);
    expect(await findIngestToken({ token: secret }, system)).toMatchObject({ endpointId: ep });
    expect(await getPrisma().ingestToken.count({ where: { tokenHash: secret } })).toBe(0);
    await revokeIngestToken({ id: token.id }, system);
    expect(await verifyIngestToken({ endpointId: ep, token: secret }, system)).toBe(false);
  });
});

describe("RunPod keys at rest", () => {
  it("are stored encrypted, used when the environment has none, and the environment wins", async () => {
    const key = `rpa_${randomBytes(16).toString("hex")}`;
    const dto = await storeRunpodApiKey({ label: "team", apiKey: key }, system);
    expect(dto.masked).toBe(`rp_…${key.slice(-4)}`);
    const row = await getPrisma().runpodCredential.findUniqueOrThrow({ where: { id: dto.id } });
    expect(JSON.stringify(row)).not.toContain(key.slice(4));
    expect(await getRunpodApiKey({}, system)).toBe(key);
    setEnv({ RUNPOD_API_KEY: "rpa_from_environment_1234" });
    expect(await getRunpodApiKey({}, system)).toBe("rpa_from_environment_1234");
    setEnv({ RUNPOD_API_KEY: undefined, SWEEPWATCH_SECRET_KEY: randomBytes(32).toString("hex") });
    await expect(getRunpodApiKey({}, system)).rejects.toThrow(/wrong SWEEPWATCH_SECRET_KEY or tampered/);
  });

  it("cannot be stored in live mode without SWEEPWATCH_SECRET_KEY", async () => {
    setEnv({ SWEEPWATCH_SECRET_KEY: undefined });
    await expect(storeRunpodApiKey({ label: "x", apiKey: "rpa_abcdefghijklmnopqrstuvwxyz" }, system)).rejects.toThrow(/SWEEPWATCH_SECRET_KEY/);
  });
});
