import { PAGES } from "../support/app-shell";
import { expect, test } from "../support/fixtures";
import { readHealth } from "../support/health";

test.describe("every page renders its empty state on an empty database", () => {
  for (const p of PAGES) {
    test(`${p.path} shows "${p.empty}"`, async ({ page, shell, problems }, testInfo) => {
      const res = await shell.goto(p.path);
      expect(res?.status()).toBe(200);
      await expect(page).toHaveTitle(p.title);
      await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
      await expect(shell.main.getByRole("heading", { name: p.empty, exact: true })).toBeVisible();
      await expect(shell.navLink(p.nav)).toHaveAttribute("aria-current", "page");
      await expect(shell.nav.locator('[aria-current="page"]')).toHaveCount(1);
      await shell.waitForHydration();
      // Not an assertion: a picture for whoever reads the report.
      await testInfo.attach(`${p.nav}.png`, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
      expect(problems.list, "console errors / page errors (e.g. hydration mismatches)").toEqual([]);
    });
  }

  test("the overview shows the system status from /api/health", async ({ page, shell, request }) => {
    const health = await readHealth(request);
    await shell.goto("/");
    const system = page.getByRole("region", { name: "System" });
    await expect(system).toBeVisible();
    await expect(system.getByRole("definition").filter({ hasText: new RegExp(`^${health.database}$`) })).toBeVisible();
    await expect(system).toContainText(health.mode === "demo" ? "demo · simulated" : "live");
  });

  test("an unknown address shows a not-found page with a way back", async ({ page, shell }) => {
    const res = await shell.goto("/no-such-page");
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
    await page.getByRole("link", { name: "Back to overview" }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  });
});

test("the navigation moves between pages without a full reload", async ({ page, shell, problems }) => {
  await shell.goto("/");
  await shell.waitForHydration();
  await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 42));
  for (const p of PAGES.slice(1)) {
    await shell.navLink(p.nav).click();
    await expect(page).toHaveURL(new RegExp(`${p.path}$`));
    await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
    await expect(shell.navLink(p.nav)).toHaveAttribute("aria-current", "page");
  }
  expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(42);
  expect(problems.list).toEqual([]);
});

test("the demo banner says plainly when RunPod is simulated", async ({ shell, request }) => {
  const health = await readHealth(request);
  await shell.goto("/endpoints");
  if (health.mode === "demo") {
    await expect(shell.demoBanner).toContainText("demo mode: simulated RunPod");
  } else {
    await expect(shell.demoBanner).toHaveCount(0);
  }
});
