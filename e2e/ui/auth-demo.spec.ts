import { expect, test } from "@playwright/test";

/** The shared e2e server runs in demo mode on 127.0.0.1: usable without signing in, from this machine only. */

test("demo mode on localhost: pages open without signing in, as the demo admin", async ({ page, request }) => {
  const me = await (await request.get("/api/auth/me")).json();
  expect(me.mode, "the shared e2e server runs in demo mode").toBe("demo");
  await page.goto("/");
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto("/admin/users");
  await expect(page.getByRole("heading", { level: 1, name: "Administration" })).toBeVisible();
  await expect(page.getByText("Signed in as demo (localhost) (admin).")).toBeVisible();
});

test("demo mode: a browser write goes through with the CSRF cookie (token created and revoked in the UI)", async ({ page }) => {
  await page.goto("/admin/tokens");
  const name = `demo-token-${Date.now().toString(36)}`;
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByLabel("new API token", { exact: true })).toHaveText(/^swt_/);
  await page.getByRole("button", { name: "Done" }).click();
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row.getByText("active")).toBeVisible();
  page.once("dialog", (d) => void d.accept());
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row.getByText("revoked")).toBeVisible();
});

test("demo mode: a request that does not come from this machine must sign in", async ({ page }) => {
  await page.setExtraHTTPHeaders({ "x-forwarded-for": "203.0.113.9" });
  await page.goto("/sweeps");
  await expect(page).toHaveURL(/\/login\?next=%2Fsweeps$/);
});
