import { expect, test } from "@playwright/test";

/** The auth API over real HTTP against the shared (demo-mode) e2e server. */

test("the demo admin applies to loopback callers only", async ({ request }) => {
  const local = await (await request.get("/api/auth/me")).json();
  expect(local).toMatchObject({ mode: "demo", principal: { role: "admin", via: "demo" } });
  const remote = await request.get("/api/auth/me", { headers: { "x-forwarded-for": "203.0.113.9" } });
  expect((await remote.json()).principal).toBeNull();
  expect((await request.get("/api/users", { headers: { "x-forwarded-for": "203.0.113.9" } })).status()).toBe(401);
});

test("cross-site browser writes are refused even in demo mode", async ({ request }) => {
  const res = await request.post("/api/tokens", {
    headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    data: { name: "x", role: "admin" },
  });
  expect(res.status()).toBe(403);
  const sameOriginNoToken = await request.post("/api/tokens", {
    headers: { origin: new URL(test.info().project.use.baseURL!).origin, "sec-fetch-site": "same-origin" },
    data: { name: "x", role: "admin" },
  });
  expect(sameOriginNoToken.status()).toBe(403);
  expect((await sameOriginNoToken.json()).error.message).toMatch(/CSRF/);
});

test("a bad bearer token is a 401 with WWW-Authenticate, never a fallback to demo", async ({ request }) => {
  const res = await request.get("/api/tokens", { headers: { authorization: "Bearer swt_not-a-real-token-aaaaaaaaaaaaaaaaaaaa" } });
  expect(res.status()).toBe(401);
  expect(res.headers()["www-authenticate"]).toBe("Bearer");
});

test("login is rate-limited per username and address", async ({ request }) => {
  const username = `nobody-${Date.now().toString(36)}`;
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) {
    const r = await request.post("/api/auth/login", { data: { username, password: `wrong-${i}` }, headers: { "x-forwarded-for": "198.51.100.23" } });
    statuses.push(r.status());
  }
  expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
});
