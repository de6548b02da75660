import { expect, test } from "./support/fixtures";

/**
 * Endpoints pages. The first test needs the full stack (simulator + poller + web, as the e2e
 * setup runs it in demo mode): it waits, with expect.poll, until the poller's data is live.
 * The others seed their own endpoint through the API and need no poller.
 */
test.describe("endpoints pages", () => {
  test("the list shows endpoints with live data, and an endpoint page shows its charts, workers, jobs and logs", async ({ page, request, shell, problems }) => {
    test.setTimeout(180_000);
    // Live = some unpaused endpoint with a snapshot younger than 60 s.
    await expect
      .poll(
        async () => {
          const r = await request.get("/api/endpoints");
          if (!r.ok()) return `HTTP ${r.status()}`;
          const { endpoints } = (await r.json()) as { endpoints: { id: string; paused: boolean; snapshotAgeSeconds: number | null; workerCounts: Record<string, number> }[] };
          const live = endpoints.filter((e) => !e.paused && e.snapshotAgeSeconds !== null && e.snapshotAgeSeconds < 60 && Object.keys(e.workerCounts).length > 0);
          return live.length ? "live" : `${endpoints.length} endpoints, none live yet`;
        },
        { timeout: 150_000, intervals: [2_000], message: "the poller should record fresh snapshots and workers (is the stack running?)" },
      )
      .toBe("live");

    await shell.goto("/endpoints");
    const table = page.getByRole("table");
    await expect(table).toBeVisible();
    const rows = table.getByRole("row").filter({ has: page.getByRole("link") });
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    // The healthy demo endpoint always has workers (the no-capacity one never places any).
    const firstLive = rows.filter({ hasText: "demo-healthy" }).filter({ hasText: "active" }).filter({ hasText: /data \d+ (s|min) old/ }).first();
    await expect(firstLive).toBeVisible();
    await expect(firstLive.getByRole("img", { name: /queue depth over the last hour/ })).toBeVisible();
    await shell.waitForHydration();

    await firstLive.getByRole("link").first().click();
    await expect(page).toHaveURL(/\/endpoints\/[^/]+$/);
    await expect(page.getByRole("heading", { name: "Queue and workers over time" })).toBeVisible();
    await expect(page.getByRole("figure", { name: /queue depth over time/i })).toBeVisible();
    await expect(page.getByRole("region", { name: "Workers" }).getByRole("row")).not.toHaveCount(0);
    await page.getByRole("radio", { name: "6 hours" }).click();
    await expect(page).toHaveURL(/range=6h/);
    await expect(page.getByRole("radio", { name: "6 hours" })).toHaveAttribute("aria-checked", "true");
    await expect(page.getByRole("log", { name: "Log lines" })).toBeVisible();
    expect(problems.list).toEqual([]);
  });

  test("an endpoint added by hand appears in the list; its page explains its empty state and submits validated input", async ({ page, request, shell }) => {
    const id = `e2e-ui-${Date.now().toString(36)}`;
    expect((await request.post("/api/endpoints", { data: { id, displayName: `UI ${id}` } })).status()).toBe(201);
    await shell.goto("/endpoints");
    const row = page.getByRole("row").filter({ hasText: id });
    await expect(row).toBeVisible();
    await expect(row).toContainText("no snapshot yet");
    await shell.waitForHydration();
    await row.getByRole("link", { name: `UI ${id}` }).click();
    await expect(page.getByRole("heading", { level: 1, name: `UI ${id}` })).toBeVisible();
    await expect(page.getByText("No health snapshots in this range").first()).toBeVisible();
    await expect(page.getByRole("heading", { name: "No workers seen yet" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "No jobs tracked yet" })).toBeVisible();

    const input = page.getByRole("textbox", { name: /Input \(JSON object/ });
    await input.fill("{ not json");
    await page.getByRole("button", { name: "Submit job" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Not valid JSON" })).toBeVisible();
    await input.fill("[1, 2]");
    await page.getByRole("button", { name: "Submit job" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "must be a JSON object" })).toBeVisible();
  });

  test("log lines with markup render as text, filter by search, and the filter lives in the URL", async ({ page, request }) => {
    const id = `e2e-log-${Date.now().toString(36)}`;
    expect((await request.post("/api/endpoints", { data: { id } })).status()).toBe(201);
    const lines = ["2026-11-28T10:00:00Z <b>not bold</b> <img src=x onerror=alert(1)>", "2026-11-28T10:00:01Z   what():  random_device could not be read"].join("\n");
    expect((await request.post(`/api/logs/upload?endpointId=${id}&workerId=w-1`, { headers: { "content-type": "text/plain" }, data: lines })).status()).toBe(201);
    await page.goto(`/endpoints/${id}`);
    const log = page.getByRole("log", { name: "Log lines" });
    await expect(log.getByText("<b>not bold</b> <img src=x onerror=alert(1)>")).toBeVisible();
    expect(await log.locator("b, img").count()).toBe(0);
    await page.getByRole("searchbox", { name: "Search text" }).fill("random_device");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/q=random_device/);
    await expect(log.getByText(/random_device could not be read/)).toBeVisible();
    await expect(log.getByText(/not bold/)).toHaveCount(0);
  });
});
