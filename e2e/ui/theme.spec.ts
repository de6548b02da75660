import type { Page } from "@playwright/test";
import { expect, test } from "../support/fixtures";

/** Records whether <html> was dark at the moment <body> was parsed, i.e. before first paint. */
async function recordThemeAtFirstPaint(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __darkAtBody?: boolean };
    const observer = new MutationObserver(() => {
      if (document.body && w.__darkAtBody === undefined) {
        w.__darkAtBody = document.documentElement.classList.contains("dark");
        observer.disconnect();
      }
    });
    observer.observe(document, { childList: true, subtree: true });
  });
}

const darkAtFirstPaint = (page: Page) => page.evaluate(() => (window as unknown as { __darkAtBody?: boolean }).__darkAtBody);

test.describe("light system preference", () => {
  test.use({ colorScheme: "light" });

  test("starts light, switches to dark, and stays dark after a reload without a flash", async ({ page, shell }) => {
    await recordThemeAtFirstPaint(page);
    await shell.goto("/");
    expect(await darkAtFirstPaint(page)).toBe(false);
    await expect(page.getByRole("button", { name: "Switch to dark theme" })).toBeVisible();

    await page.getByRole("button", { name: "Switch to dark theme" }).click();
    await expect(page.locator("html")).toHaveClass(/\bdark\b/);
    await expect(page.getByRole("button", { name: "Switch to light theme" })).toBeVisible();
    // The page background follows the theme (a dark canvas, not just a class).
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe("rgb(11, 11, 13)");

    await page.reload();
    expect(await darkAtFirstPaint(page)).toBe(true);
    await expect(page.getByRole("button", { name: "Switch to light theme" })).toBeVisible();

    // Back to the system theme: the stored choice is dropped, so the OS setting rules again.
    await page.getByRole("button", { name: "Switch to light theme" }).click();
    await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
    expect(await page.evaluate(() => localStorage.getItem("sweepwatch-theme"))).toBeNull();
  });
});

test.describe("dark system preference", () => {
  test.use({ colorScheme: "dark" });

  test("starts dark before first paint and remembers an explicit light choice", async ({ page, shell }) => {
    await recordThemeAtFirstPaint(page);
    await shell.goto("/incidents");
    expect(await darkAtFirstPaint(page)).toBe(true);

    await page.getByRole("button", { name: "Switch to light theme" }).click();
    await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
    await page.goto("/criteria");
    expect(await darkAtFirstPaint(page)).toBe(false);
    await expect(page.getByRole("button", { name: "Switch to dark theme" })).toBeVisible();
  });

  test("follows the system setting when it changes and nothing is stored", async ({ page, shell }) => {
    await shell.goto("/");
    await shell.waitForHydration();
    await expect(page.locator("html")).toHaveClass(/\bdark\b/);
    await page.emulateMedia({ colorScheme: "light" });
    await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
  });
});
