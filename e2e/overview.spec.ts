import { expect, test } from "./support/fixtures";

/* Against the demo stack: the home page lists the demo endpoints with their health, each linking to its page. */

test("the overview shows the demo endpoints with their health and links to them", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  const endpoints = page.getByRole("region", { name: "Endpoints" });
  // The poller discovers the demo endpoints within seconds; the overview polls and shows them without a reload.
  await expect(endpoints.getByRole("link", { name: /sweep-trainer \(healthy\)/ })).toBeVisible();
  await expect(endpoints.getByRole("link", { name: /sweep-trainer \(healthy\)/ })).toHaveAttribute("href", "/endpoints/demo-healthy");
  const row = endpoints.getByRole("row").filter({ hasText: "demo-healthy" });
  await expect(row).toContainText(/healthy|no ready worker|no data/);
  await expect(page.getByRole("region", { name: /Success criteria/ })).toBeVisible();
  await expect(page.getByRole("region", { name: /Success criteria/ }).getByRole("link", { name: "Criteria report" })).toHaveAttribute("href", "/criteria");
  await expect(page.getByRole("region", { name: "System" })).toBeVisible();
});
