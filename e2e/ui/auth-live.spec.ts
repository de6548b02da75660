import { expect, test, type Page } from "@playwright/test";
import { startLiveServer, type LiveServer } from "../support/auth-live-server";

/** Live mode: everything but /api/health needs a login; the RunPod key never reaches a page. */
test.describe.configure({ mode: "serial" });

let server: LiveServer;
test.beforeAll(async () => {
  server = await startLiveServer();
});
test.afterAll(async () => {
  await server?.stop();
});

const PAGES = ["/", "/endpoints", "/sweeps", "/incidents", "/criteria", "/admin/users", "/admin/tokens", "/admin/runpod-keys", "/admin/ingest-tokens", "/admin/audit"];

async function signIn(page: Page, username: string, password: string) {
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function signInAsAdmin(page: Page) {
  await page.goto(`${server.baseURL}/login`);
  await signIn(page, server.admin.username, server.admin.password);
  await expect(page).toHaveURL(`${server.baseURL}/`);
}

test("every page redirects to the sign-in page without a session; the API answers 401", async ({ page, request }) => {
  for (const p of PAGES) {
    await page.goto(server.baseURL + p);
    await expect(page).toHaveURL(new RegExp(`/login\\?next=${encodeURIComponent(p).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
    await expect(page.getByRole("heading", { level: 1, name: "Sign in to sweepwatch" })).toBeVisible();
  }
  expect((await request.get(`${server.baseURL}/api/health`)).status()).toBe(200);
  expect((await request.get(`${server.baseURL}/api/users`)).status()).toBe(401);
  expect((await request.get(`${server.baseURL}/api/tokens`)).status()).toBe(401);
});

test("signs in with the admin from the environment, refuses a wrong password, and lands on the page asked for", async ({ page }) => {
  await page.goto(`${server.baseURL}/admin/users`);
  await signIn(page, server.admin.username, "definitely wrong");
  await expect(page.getByRole("form", { name: "Sign in" }).getByRole("alert")).toHaveText("Wrong username or password.");
  await signIn(page, server.admin.username, server.admin.password);
  await expect(page).toHaveURL(`${server.baseURL}/admin/users`);
  await expect(page.getByRole("heading", { level: 1, name: "Administration" })).toBeVisible();
  await expect(page.getByRole("cell", { name: server.admin.username })).toBeVisible();
  const cookies = await page.context().cookies(server.baseURL);
  const session = cookies.find((c) => c.name === "sw_session");
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false });
});

test("an admin creates a viewer; the viewer cannot open admin pages and cannot mint an admin token", async ({ page, browser }) => {
  test.setTimeout(90_000); // two sign-ins and several first page loads of a cold server; 30 s ran out in a full CI-mode run
  await signInAsAdmin(page);
  await page.goto(`${server.baseURL}/admin/users`);
  const viewer = { username: `viewer-${Date.now().toString(36)}`, password: "viewer password 123" };
  await page.getByLabel("Username").fill(viewer.username);
  await page.getByLabel("Password").fill(viewer.password);
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("cell", { name: viewer.username })).toBeVisible();

  const ctx = await browser.newContext();
  const vp = await ctx.newPage();
  await vp.goto(`${server.baseURL}/admin/users`);
  await signIn(vp, viewer.username, viewer.password);
  await expect(vp).toHaveURL(/\/login\?reason=forbidden&need=admin/);
  await expect(vp.getByRole("main").getByRole("alert")).toContainText("needs the admin role");
  await vp.goto(`${server.baseURL}/admin/tokens`);
  await expect(vp.getByRole("combobox", { name: "Role" }).locator("option")).toHaveText(["viewer"]);
  await vp.getByLabel("Name").fill("my script");
  await vp.getByRole("button", { name: "Create token" }).click();
  const secret = (await vp.getByLabel("new API token", { exact: true }).textContent())!.trim();
  expect(secret).toMatch(/^swt_/);
  const res = await vp.request.get(`${server.baseURL}/api/auth/me`, { headers: { authorization: `Bearer ${secret}` } });
  expect((await res.json()).principal).toMatchObject({ kind: "token", role: "viewer" });
  await vp.getByRole("button", { name: "Done" }).click();
  await expect(vp.getByRole("cell", { name: "my script" })).toBeVisible();
  await expect(vp.locator("body")).not.toContainText(secret);
  await ctx.close();
});

test("a cross-site form post is refused and changes nothing", async ({ page, request }) => {
  await signInAsAdmin(page);
  await page.goto(`${server.baseURL}/admin/users`);
  const victim = `csrf-${Date.now().toString(36)}`;
  // A page of another origin (about:blank → Origin "null") auto-submitting a form at the app.
  const evil = await page.context().newPage();
  await evil.setContent(`<form method="POST" action="${server.baseURL}/api/users" enctype="text/plain">
      <input name='{"username":"${victim}","password":"csrf password 123","role":"admin","x":"' value='"}'>
    </form>`);
  const [resp] = await Promise.all([evil.waitForResponse(`${server.baseURL}/api/users`), evil.locator("form").evaluate((f: HTMLFormElement) => f.submit())]);
  // SameSite=Lax keeps the session cookie off a cross-site POST (401); were it sent, the Origin check answers 403.
  expect([401, 403]).toContain(resp.status());
  const login = await request.post(`${server.baseURL}/api/auth/login`, { data: server.admin });
  expect(login.status()).toBe(200);
  const users = await (await request.get(`${server.baseURL}/api/users`)).json();
  expect(users.users.map((u: { username: string }) => u.username)).not.toContain(victim);
});

test("no page, network answer or log line contains the RunPod key (env or stored)", async ({ page }) => {
  test.setTimeout(90_000); // loads every page and the API document; 30 s ran out on a busy CI machine
  const stored = `rpa_STOREDE2E${Date.now().toString(36).toUpperCase()}XYZ123456`;
  const seen: string[] = [];
  page.on("response", async (r) => {
    try {
      seen.push(`${r.url()} ${JSON.stringify(r.headers())} ${await r.text()}`);
    } catch {
      // redirects and aborted requests have no body
    }
  });
  await signInAsAdmin(page);
  await page.goto(`${server.baseURL}/admin/runpod-keys`);
  await expect(page.getByText(`rp_…${server.runpodKey.slice(-4)}`)).toBeVisible();
  await page.getByLabel("Label").fill("e2e");
  await page.getByLabel("API key", { exact: true }).fill(stored);
  await page.getByRole("button", { name: "Store key" }).click();
  await expect(page.getByRole("cell", { name: `rp_…${stored.slice(-4)}` })).toBeVisible();
  for (const p of PAGES) {
    await page.goto(server.baseURL + p);
    seen.push(await page.content());
  }
  await page.goto(`${server.baseURL}/api/openapi.json`);
  seen.push(await page.content());
  const logs = server.logs.join("");
  for (const secret of [server.runpodKey, stored]) {
    const core = secret.slice(4);
    expect(seen.filter((s) => s.includes(core)).map((s) => s.slice(0, 120))).toEqual([]);
    expect(logs.includes(core)).toBe(false);
  }
  expect(seen.length).toBeGreaterThan(PAGES.length);
});

/** JSON calls as the signed-in browser user: same cookies, plus the CSRF header and Origin a browser would send. */
async function csrfHeaders(page: Page): Promise<Record<string, string>> {
  const csrf = (await page.context().cookies(server.baseURL)).find((c) => c.name === "sw_csrf")!.value;
  return { "x-csrf-token": csrf, origin: server.baseURL };
}

const PAYLOADS = [
  "<script>window.__xss = 'script'</script>",
  `<img src=x onerror="window.__xss = 'img'">`,
  `<svg onload="window.__xss = 'svg'"></svg>`,
  `"><iframe src="javascript:parent.__xss='iframe'"></iframe>`,
];

async function assertInert(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
  expect(await page.locator("img[src='x'], svg[onload], iframe, script:has-text('__xss')").count()).toBe(0);
  expect(await page.locator("a[href^='javascript:']").count()).toBe(0);
}

test("log lines, endpoint and sweep names and notes with HTML/script payloads render as text", async ({ page }) => {
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await signInAsAdmin(page);
  const headers = await csrfHeaders(page);
  const api = page.request;
  const id = `xss-${Date.now().toString(36)}`;
  const add = await api.post(`${server.baseURL}/api/endpoints`, { headers, data: { id, displayName: PAYLOADS[1] } });
  expect(add.status(), await add.text()).toBe(201);
  const logText = PAYLOADS.map((p, i) => `2026-01-01T00:00:0${i}Z ${p}`).join("\n") + "\n";
  const up = await api.post(`${server.baseURL}/api/logs/upload?endpointId=${id}&workerId=w-xss`, { headers: { ...headers, "content-type": "text/plain" }, data: logText });
  expect(up.status(), await up.text()).toBe(201);

  await page.goto(`${server.baseURL}/endpoints/${id}`);
  for (const p of PAYLOADS) await expect(page.getByText(p, { exact: false }).first()).toBeVisible();
  await assertInert(page);

  const sweep = await api.post(`${server.baseURL}/api/sweeps`, {
    headers,
    data: { endpointId: id, name: PAYLOADS[0], config: "method: random\nmetric: {name: loss, goal: minimize}\nrun_cap: 2\nparameters:\n  lr: {min: 0.001, max: 0.1}\n" },
  });
  expect(sweep.status(), await sweep.text()).toBe(201);
  const sweepId = (await sweep.json()).id as string;
  const notes = await api.put(`${server.baseURL}/api/sweeps/${sweepId}/notes`, {
    headers,
    data: { notes: `# Notes\n\n${PAYLOADS.join("\n\n")}\n\n[click me](javascript:window.__xss='link')\n\n<b onmouseover="window.__xss='b'">bold?</b>`, notesVersion: 0 },
  });
  expect(notes.status(), await notes.text()).toBe(200);
  await page.goto(`${server.baseURL}/sweeps/${sweepId}`);
  await expect(page.getByText(PAYLOADS[0]).first()).toBeVisible();
  await expect(page.getByText("click me").first()).toBeVisible();
  await page.getByText("click me").first().click().catch(() => undefined);
  await assertInert(page);
  expect(dialogs).toEqual([]);
});
