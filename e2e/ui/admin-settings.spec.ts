import { expect, test } from "@playwright/test";

/** An admin edits a detection threshold and the GPU price table from the Settings tab; bad input changes nothing. */
test("admin settings: a detection threshold is saved, shown as set, and reset; a broken price table is refused", async ({ page, request }) => {
  await page.goto("/admin/settings");
  await expect(page.getByRole("heading", { name: "Detection thresholds" })).toBeVisible();
  const age = page.getByLabel("alertQueueAgeMs");
  await age.fill("900000");
  await page.getByRole("button", { name: "Save thresholds" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved 1 change" })).toBeVisible();
  const after = (await (await request.get("/api/incidents/settings")).json()) as { values: Record<string, number>; overridden: string[] };
  expect(after.values.alertQueueAgeMs).toBe(900000);
  expect(after.overridden).toContain("alertQueueAgeMs");
  await page.reload();
  await expect(page.getByRole("row").filter({ hasText: "alertQueueAgeMs" }).getByText("set", { exact: true })).toBeVisible();

  await page.getByLabel("alertQueueAgeMs").fill("");
  await page.getByRole("button", { name: "Save thresholds" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved 1 change" })).toBeVisible();
  expect(((await (await request.get("/api/incidents/settings")).json()) as { overridden: string[] }).overridden).not.toContain("alertQueueAgeMs");

  const pricesSection = page.getByRole("region", { name: "GPU prices (cost estimates)" });
  await expect(pricesSection).toBeVisible();
  const prices = page.getByLabel(/Per-second USD prices per GPU class/);
  const original = await prices.inputValue();
  await prices.fill(original.replace('"currency": "USD"', '"currency": "EUR"'));
  await page.getByRole("button", { name: "Save prices" }).click();
  await expect(pricesSection.getByRole("alert")).toContainText(/currency/i);
  expect(((await (await request.get("/api/admin/gpu-prices")).json()) as { origin: string }).origin).toBe("default");
  await prices.fill("{ not json");
  await page.getByRole("button", { name: "Save prices" }).click();
  await expect(pricesSection.getByRole("alert")).toContainText("not valid JSON");
});
