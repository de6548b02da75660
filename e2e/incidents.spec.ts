import { expect, test } from "./support/fixtures";

/*
 * Against the demo stack (simulator + poller + web, short poll intervals): demo-randomdevice crash-loops
 * on "random_device could not be read" from the start. Data changes while this runs: poll, never count.
 */
const RD = "demo-randomdevice";

test.describe("crash-loop detection in the demo", () => {
  test.setTimeout(180_000);

  test("queued jobs of the crash-looping endpoint carry the flag, the no-capacity endpoint's do not", async ({ request }) => {
    await expect
      .poll(
        async () => {
          const r = await request.get(`/api/jobs?endpointId=${RD}&status=IN_QUEUE&limit=50`);
          const body = (await r.json()) as { jobs: { flag: string | null; verdict: string | null }[] };
          return body.jobs.some((j) => j.flag === "random_device_crash_loop" && j.verdict === "random_device_crash_loop");
        },
        { timeout: 120_000, intervals: [2_000] },
      )
      .toBe(true);
    await expect
      .poll(
        async () => {
          const r = await request.get(`/api/jobs?endpointId=demo-nocapacity&status=IN_QUEUE&limit=50`);
          const body = (await r.json()) as { jobs: { flag: string | null; verdict: string | null }[] };
          return body.jobs.length > 0 && body.jobs.every((j) => j.flag === null) && body.jobs.some((j) => j.verdict === "no_capacity");
        },
        { timeout: 120_000, intervals: [2_000] },
      )
      .toBe(true);
  });

  test("on-call finds the open incident with evidence and runbook, and acknowledges it", async ({ page }) => {
    await page.goto("/incidents?state=open,acknowledged");
    // the crash-loop incident's row (a queue alert on the same endpoint may be listed too)
    const row = page.getByRole("row").filter({ hasText: RD }).filter({ has: page.getByRole("link", { name: /^#\d+ .*crash loop/ }) });
    await expect
      .poll(
        async () => {
          if ((await row.count()) > 0) return true;
          await page.reload();
          return false;
        },
        { timeout: 120_000, intervals: [3_000] },
      )
      .toBe(true);
    await row.first().getByRole("link", { name: /^#\d+ .*crash loop/ }).click();
    await expect(page.getByRole("heading", { name: /crash loop/, level: 1 })).toBeVisible();
    await expect(page.getByLabel("First crash log lines")).toContainText("random_device could not be read");
    await expect(page.getByLabel("First crash log lines")).toContainText("terminate called after throwing an instance of 'std::runtime_error'");
    await expect(page.getByRole("heading", { name: "Runbook (most to least preferred)" })).toBeVisible();
    await expect(page.getByLabel("Confirmation command 1")).toContainText('python -c "import tensorflow; import torch" </dev/null; echo $?');

    const ack = page.getByRole("button", { name: "Acknowledge" });
    if (await ack.isVisible()) await ack.click();
    await expect(page.getByText(/Acknowledged/).first()).toBeVisible();
    await expect(page.getByText(/acknowledged by /).first()).toBeVisible();
  });

  test("the crash timeline shows worker lanes with crash markers, and a click shows the crash's lines", async ({ page }) => {
    await page.goto(`/incidents/timeline/${RD}?span=15m`);
    await expect.poll(async () => page.getByTestId("crash-marker").count(), { timeout: 120_000, intervals: [3_000] }).toBeGreaterThan(0);
    expect(await page.getByTestId("worker-lane").count()).toBeGreaterThan(0);
    await page.getByTestId("crash-marker").first().click();
    await expect(page.getByRole("region", { name: "Crash log lines" })).toContainText("random_device could not be read");
  });

  test("bad input gets a clear error and changes nothing", async ({ request }) => {
    expect((await request.get("/api/incidents/abc")).status()).toBe(404);
    expect((await request.get("/api/incidents/99999999")).status()).toBe(404);
    const bad = await request.get("/api/incidents?state=bogus");
    expect(bad.status()).toBe(422);
    expect(((await bad.json()) as { error: { issues: { path: string }[] } }).error.issues[0].path).toBe("query.state.0");
    expect((await request.get("/api/crashes")).status()).toBe(422);
    expect((await request.get("/api/crashes?endpointId=demo-randomdevice&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")).status()).toBe(422);
    expect((await request.get("/api/endpoints/no-such-endpoint/timeline")).status()).toBe(404);
    const tl = await request.get(`/api/endpoints/${RD}/timeline`);
    expect(tl.status()).toBe(200);
    expect(((await tl.json()) as { lanes: unknown[] }).lanes.length).toBeGreaterThan(0);
  });
});
