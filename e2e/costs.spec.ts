import { expect, test } from "./support/fixtures";

/*
 * Against the demo stack: the cost of failure is on the endpoint, sweep and criteria pages, and an
 * engineer sets a sweep budget from the sweep page. The budget is large, so no demo sweep pauses.
 */
const RD = "demo-randomdevice";

test("cost of failure on the endpoint, sweep and criteria pages; a sweep budget set from the sweep page", async ({ page, request }) => {
  await page.goto(`/endpoints/${RD}`);
  const endpointCost = page.getByRole("region", { name: "Cost of failure, last 24 h (estimate)" });
  await expect(endpointCost).toContainText(/wasted, about \$\d/, { timeout: 90_000 });

  const sweeps = (await (await request.get("/api/sweeps?limit=50")).json()) as { sweeps: { id: string; name: string }[] };
  expect(sweeps.sweeps.length).toBeGreaterThan(0);
  const sweep = sweeps.sweeps[0];
  await page.goto(`/sweeps/${sweep.id}`);
  const cost = page.getByRole("region", { name: "GPU time and cost (estimate)" });
  const table = cost.getByRole("table", { name: "GPU time of the sweep's trials" });
  await expect(table.getByRole("row", { name: /^Useful/ })).toBeVisible();
  await expect(table.getByRole("row", { name: /^Total/ })).toContainText("what a budget counts");
  await expect(cost).toContainText("Budget: none");

  const form = cost.getByRole("form", { name: "Sweep budget" });
  await form.getByLabel("GPU-hours").fill("1000");
  await form.getByRole("button", { name: "Save budget" }).click();
  await expect(cost).toContainText("1000.0 GPU-h; reaching either pauses the sweep.");
  const saved = (await (await request.get(`/api/sweeps/${sweep.id}/cost`)).json()) as { budget: { gpuSeconds: number | null; reached: string | null } };
  expect(saved.budget).toMatchObject({ gpuSeconds: 3_600_000, reached: null });
  await form.getByLabel("GPU-hours").fill("-3");
  await form.getByRole("button", { name: "Save budget" }).click();
  await expect(form.getByRole("alert")).toHaveText("GPU-hours must be a number above 0, or empty for no limit.");

  await page.goto("/criteria");
  await expect(page.getByLabel("Cost of failure")).toContainText(/Cost of failure, last 7 days: .* about \$\d/);
});
