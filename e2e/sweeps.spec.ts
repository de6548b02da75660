import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";

/*
 * Sweeps from the browser. The first test needs the full stack (simulator + poller + web, as
 * `npm start` runs it in demo mode): it waits for the poller to discover the demo's healthy
 * endpoint, then for the sweep controller to run the trials on it. The others need only the web.
 */

const HEALTHY_ENDPOINT = "demo-healthy";

// A W&B sweep config exactly as W&B's docs write one (program: is W&B's, sweepwatch ignores it).
// Branin's global minima are at (-π, 12.275) and (π, 2.275): the grid contains both.
const WANDB_YAML = `program: train.py
method: grid
metric:
  name: loss
  goal: minimize
parameters:
  x1:
    values: [-3.14159, 3.14159]
  x2:
    values: [2.275, 12.275]
`;

class NewSweepPage {
  readonly editor: Locator;
  readonly endpoint: Locator;
  readonly name: Locator;
  readonly start: Locator;
  constructor(readonly page: Page) {
    this.editor = page.getByRole("textbox", { name: "Sweep config (YAML or JSON)" });
    this.endpoint = page.getByLabel("Endpoint");
    this.name = page.getByLabel("Sweep name");
    this.start = page.getByRole("button", { name: "Start sweep" });
  }
  async goto() {
    await this.page.goto("/sweeps/new");
    await expect(this.page.getByRole("heading", { level: 1, name: "New sweep" })).toBeVisible();
  }
  tab(name: "YAML / JSON" | "Form") {
    return this.page.getByRole("tab", { name });
  }
}

async function endpointIds(request: APIRequestContext): Promise<string[]> {
  const res = await request.get("/api/endpoints");
  if (!res.ok()) return [];
  const body = (await res.json()) as { endpoints?: { id: string }[] };
  return (body.endpoints ?? []).map((e) => e.id);
}

test.describe("sweeps", () => {
  test("an engineer pastes a W&B YAML, starts the sweep, watches trials complete and opens the best trial", async ({ page, request, problems }) => {
    test.setTimeout(240_000);
    await expect
      .poll(() => endpointIds(request), { message: "the poller discovers the demo's healthy endpoint", timeout: 60_000 })
      .toContain(HEALTHY_ENDPOINT);

    const form = new NewSweepPage(page);
    await form.goto();
    await form.endpoint.selectOption(HEALTHY_ENDPOINT);
    const name = `e2e branin grid ${Date.now().toString(36)}`;
    await form.name.fill(name);
    await form.editor.fill(WANDB_YAML);

    // The expanded search space before submitting: 2 × 2 grid.
    await expect(page.getByTestId("grid-size")).toContainText("Grid size: 4");
    await expect(page.getByRole("table", { name: "Parameters of the search space" }).getByRole("row")).toHaveCount(3);

    // The form is a second view of the same config: raise parallelism there, see it in the YAML.
    await form.tab("Form").click();
    await expect(page.getByLabel("Method")).toHaveValue("grid");
    await page.getByLabel("Parallel trials").fill("2");
    await form.tab("YAML / JSON").click();
    await expect(form.editor).toHaveValue(/sweepwatch:\s*\n\s*parallel: 2/);
    await expect(form.editor).toHaveValue(/x1:\s*\n\s*values: \[-3\.14159, 3\.14159\]/);

    await form.start.click();
    await expect(page).toHaveURL(/\/sweeps\/[^/?]+$/, { timeout: 20_000 });
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    // Trials complete while we watch: the progress bar and the table update without a reload.
    const progress = page.getByRole("progressbar", { name: `Progress of ${name}` });
    await expect(progress).toHaveAttribute("aria-valuemax", "4");
    await expect(progress).toHaveAttribute("aria-valuenow", "4", { timeout: 200_000 });
    const trials = page.getByRole("table", { name: `Trials of ${name}` });
    // Each grid point completed exactly once. The demo's healthy endpoint fails ~2 % of jobs at
    // random (and one worker segfaults mid-job), so a failed trial may stand beside its retry.
    await expect(trials.locator("tbody tr[data-trial]").filter({ has: page.getByText("completed", { exact: true }) })).toHaveCount(4);
    expect(await trials.locator("tbody tr[data-trial]").count()).toBeGreaterThanOrEqual(4);
    await expect(page.getByText("completed", { exact: true }).first()).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);

    // The best trial: value, job, and its details in the trial dialog (linkable through the URL).
    const bestValue = (await page.getByTestId("best-value").textContent())?.trim() ?? "";
    expect(Number(bestValue)).toBeGreaterThan(0);
    expect(Number(bestValue)).toBeLessThan(1); // Branin's minimum is 0.398, the grid hits it (noise 0.02)
    await page.getByRole("button", { name: "Open best trial" }).click();
    const dialog = page.getByRole("dialog", { name: /Trial #\d+/ });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText("best so far");
    await expect(dialog).toContainText(bestValue);
    await expect(dialog.getByRole("link", { name: /.+/ }).first()).toHaveAttribute("href", new RegExp(`/endpoints/${HEALTHY_ENDPOINT}\\?job=`));
    await expect(page).toHaveURL(/[?&]trial=/);
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect(dialog).toBeHidden();
    await expect(page).not.toHaveURL(/[?&]trial=/);

    // Sorting by the metric puts the best trial first, and the sort lives in the URL.
    await trials.getByRole("button", { name: /^loss/ }).click();
    await expect(page).toHaveURL(/[?&]sort=metric/);
    await expect(trials.locator("tbody tr[data-trial]").first()).toContainText(bestValue);

    // Brushing the metric axis of the parallel coordinates filters the table through the URL.
    const metricAxis = page.locator('section[aria-labelledby="sweep-parallel"] svg rect.cursor-crosshair').last();
    await expect(page.getByRole("figure", { name: /Parallel coordinates of 4 trials/ })).toBeVisible({ timeout: 20_000 });
    await metricAxis.scrollIntoViewIfNeeded();
    const box = (await metricAxis.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 1);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height - 1, { steps: 6 });
    await page.mouse.up();
    await expect(page).toHaveURL(/valueMin=.*valueMax=/);
    await expect(page.getByText(/of 4 matching the filters/)).toBeVisible();
    expect(problems.list).toEqual([]);
  });

  test("pause, resume and a confirmed cancel from the sweep page", async ({ page, request }) => {
    test.setTimeout(120_000);
    await expect.poll(() => endpointIds(request), { timeout: 60_000 }).toContain(HEALTHY_ENDPOINT);
    const name = `e2e controls ${Date.now().toString(36)}`;
    const res = await request.post("/api/sweeps", {
      data: { endpointId: HEALTHY_ENDPOINT, name, config: "method: random\nmetric: {name: loss, goal: minimize}\nrun_cap: 500\nparameters:\n  x1: {min: -5.0, max: 10.0}\n  x2: {min: 0.0, max: 15.0}\n" },
    });
    expect(res.status()).toBe(201);
    const { id } = (await res.json()) as { id: string };

    await page.goto(`/sweeps/${id}`);
    const heading = page.getByRole("heading", { level: 1, name });
    await expect(heading).toBeVisible();
    const controls = page.getByRole("group", { name: "Sweep controls" });
    await controls.getByRole("button", { name: "Pause" }).click();
    await expect(heading).toContainText("paused");
    await controls.getByRole("button", { name: "Resume" }).click();
    await expect(heading).not.toContainText("paused");

    // Cancel asks first; "Keep running" changes nothing.
    await controls.getByRole("button", { name: "Cancel sweep" }).click();
    const confirm = page.getByRole("dialog", { name: "Cancel this sweep?" });
    await expect(confirm).toBeVisible();
    await confirm.getByRole("button", { name: "Keep running" }).click();
    await expect(confirm).toBeHidden();
    await expect(heading).not.toContainText("cancelled");
    await controls.getByRole("button", { name: "Cancel sweep" }).click();
    await confirm.getByRole("button", { name: "Cancel sweep" }).click();
    await expect(heading).toContainText("cancelled", { timeout: 20_000 });
    await expect(page.getByRole("group", { name: "Sweep controls" })).toHaveCount(0);
  });

  test("config errors point at their line and block the submit", async ({ page }) => {
    const form = new NewSweepPage(page);
    await form.goto();
    await form.editor.fill("method: bayes\nmetric:\n  name: loss\n  goal: minimise\nparameters:\n  lr:\n    min: 0.1\n    max: 0.01\n");
    const errors = page.getByRole("list", { name: "Config errors" });
    await expect(errors).toContainText("metric.goal");
    await expect(errors.getByRole("button", { name: "line 4:9" })).toBeVisible();
    await expect(page.locator("[data-error-line='4']")).toHaveCount(1);
    await expect(page.getByText("appear here once the config is valid")).toBeVisible();
    // The form view refuses an invalid config instead of losing it.
    await form.tab("Form").click();
    await expect(page.getByRole("alert").filter({ hasText: "Fix the" })).toBeVisible();
    await expect(form.tab("YAML / JSON")).toHaveAttribute("aria-selected", "true");
    await expect(form.editor).toHaveValue(/goal: minimise/);
  });

  test("the example config is accepted as is and shows its search space", async ({ page }) => {
    const form = new NewSweepPage(page);
    await form.goto();
    await page.getByRole("button", { name: "Paste example" }).click();
    await expect(form.editor).toHaveValue(/method: bayes/);
    await expect(page.getByTestId("grid-size")).toContainText("continuous");
    await expect(page.getByRole("list", { name: "Config errors" })).toHaveCount(0);
    // Sweep name defaults to the config's name.
    await expect(form.name).toHaveAttribute("placeholder", "branin-bayes");
  });

  test("user text is shown as text, never as HTML", async ({ page }) => {
    const form = new NewSweepPage(page);
    await form.goto();
    await form.editor.fill('method: random\nname: "<img src=x onerror=alert(1)>"\nparameters:\n  a:\n    values: ["<b>bold</b>"]\n');
    await expect(page.getByText("one of \"<b>bold</b>\"")).toBeVisible();
    await expect(page.locator("main img")).toHaveCount(0);
    await expect(page.locator("main b")).toHaveCount(0);
  });
});
