import type { APIRequestContext, Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";

/*
 * Each user's path on the demo stack (simulator + poller + web): config fidelity for the ML engineer,
 * a phone for on-call, deep links to a flagged job, and the criteria page for a manager.
 */

const COMMENTED_CONFIG = `# Branin on the healthy endpoint: keep every comment
program: train.py   # W&B's, ignored by sweepwatch
method: random
metric:
  goal: minimize    # key order as written: goal before name
  name: loss
run_cap: 2
parameters:
  # the two Branin inputs
  x2: {distribution: uniform, min: 0, max: 15}
  x1:
    max: 10
    min: -5
    distribution: uniform
`;

async function firstId(request: APIRequestContext, url: string, key: string, pick: (row: Record<string, unknown>) => boolean = () => true): Promise<string | null> {
  const res = await request.get(url);
  if (!res.ok()) return null;
  const rows = ((await res.json()) as Record<string, Record<string, unknown>[]>)[key] ?? [];
  const row = rows.find(pick);
  return row ? String(row.id) : null;
}

async function waitForId(request: APIRequestContext, url: string, key: string, what: string, pick?: (row: Record<string, unknown>) => boolean): Promise<string> {
  let id: string | null = null;
  await expect
    .poll(async () => (id = await firstId(request, url, key, pick)), { message: `waiting for ${what}`, timeout: 150_000, intervals: [2_000] })
    .not.toBeNull();
  return id!;
}

async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
}

test("a pasted, commented W&B config survives the form untouched and is stored byte for byte", async ({ page, request, shell }) => {
  test.setTimeout(180_000);
  await expect.poll(async () => firstId(request, "/api/endpoints", "endpoints", (e) => e.id === "demo-healthy"), { timeout: 120_000 }).toBe("demo-healthy");
  await page.goto("/sweeps/new");
  await shell.waitForHydration();
  await page.getByLabel("Endpoint").selectOption("demo-healthy");
  await page.getByLabel("Sweep name").fill(`e2e fidelity ${Date.now().toString(36)}`);
  const editor = page.getByRole("textbox", { name: "Sweep config (YAML or JSON)" });
  await editor.fill(COMMENTED_CONFIG);

  await page.getByRole("tab", { name: "Form" }).click();
  await expect(page.getByLabel("Method")).toHaveValue("random");
  await page.getByRole("tab", { name: "YAML / JSON" }).click();
  await expect(editor).toHaveValue(COMMENTED_CONFIG);

  // Submitting from the form view sends the pasted text too.
  await page.getByRole("tab", { name: "Form" }).click();
  await page.getByRole("button", { name: "Start sweep" }).click();
  await expect(page).toHaveURL(/\/sweeps\/[^/?]+$/, { timeout: 20_000 });
  const config = page.getByRole("region", { name: "Config" });
  await expect(config).toContainText("As submitted.");
  await expect.poll(() => config.locator("pre").evaluate((el) => el.textContent)).toBe(COMMENTED_CONFIG);
});

test("every main page fits a 390 px phone without sideways scrolling", async ({ page, request, shell }) => {
  test.setTimeout(240_000);
  const incident = await waitForId(request, "/api/incidents", "incidents", "an incident");
  const sweep = await waitForId(request, "/api/sweeps", "sweeps", "a sweep");
  await page.setViewportSize({ width: 390, height: 844 });
  const pages = [
    "/",
    "/endpoints",
    "/endpoints/demo-randomdevice",
    "/incidents",
    `/incidents/${incident}`,
    "/incidents/timeline/demo-randomdevice",
    "/sweeps",
    `/sweeps/${sweep}`,
    "/sweeps/new",
    "/criteria",
    "/admin/users",
  ];
  for (const path of pages) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await shell.waitForHydration();
    await expect.poll(() => horizontalOverflow(page), { message: `${path} is wider than the phone` }).toEqual({ scrollWidth: 390, innerWidth: 390 });
  }
});

test("a ?job= link opens the endpoint page on that job: expanded, in view, with why it waits", async ({ page, request, shell }) => {
  test.setTimeout(180_000);
  const job = await waitForId(request, "/api/jobs?endpointId=demo-randomdevice&flagged=true&limit=50", "jobs", "a flagged job");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/endpoints/demo-randomdevice?job=${encodeURIComponent(job)}`);
  await shell.waitForHydration();
  const row = page.locator(`[id="job-${job}"]`);
  await expect(row).toBeInViewport();
  await expect(row).toHaveAttribute("data-focused", "true");
  await expect(row.getByRole("button", { expanded: true })).toBeVisible();
  const why = page.getByRole("group", { name: "Why this job waits" });
  await expect(why).toContainText(/random_device/);
  await expect(why).toContainText("Latest abort line");
  await expect(why.getByRole("link", { name: /Open incident #\d+/ })).toBeVisible();
});

test("the criteria page's first screen says how many of the nine criteria pass", async ({ page, shell }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/criteria");
  await shell.waitForHydration();
  const headline = page.getByTestId("criteria-headline");
  await expect(headline).toHaveText(/^\d of 9 criteria pass$/);
  await expect(headline).toBeInViewport();
  // One row per criterion; the cards open on demand.
  await expect(page.getByRole("button", { name: /^Details of / })).toHaveCount(9);
  await page.getByRole("button", { name: /^Details of / }).first().click();
  await expect(page.getByRole("button", { name: /^Hide details of / })).toHaveCount(1);
});

test("the incidents list filters by an endpoint's name or the start of its id", async ({ page, request, shell }) => {
  await waitForId(request, "/api/incidents", "incidents", "an incident");
  await page.goto("/incidents");
  await shell.waitForHydration();
  const input = page.getByLabel("Endpoint");
  await input.fill("demo");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByText(/matches \d+ endpoints/)).toBeVisible();
  await input.fill("randomdev");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/[?&]endpoint=demo-randomdevice(&|$)/);
  await expect(page.getByRole("row").filter({ hasText: "tf-sweep-canary" })).toHaveCount(0);
  await expect(page.getByRole("row").filter({ hasText: "tf-sweep (random_device crash loop)" }).first()).toBeVisible();
});
