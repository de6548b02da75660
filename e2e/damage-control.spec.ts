import { expect, test } from "./support/fixtures";

/*
 * Against the demo stack: on-call walks an incident of the crash-looping demo endpoint through
 * cost -> what changed -> pause sweeps + purge + max workers 0 -> resolve -> resubmit -> restore.
 * The demo's data changes while this runs: poll, never count.
 */
const RD = "demo-randomdevice";

test.describe("damage control in the demo", () => {
  test.setTimeout(240_000);

  test("on-call sees the growing cost and the diff, stops the burn, resolves, and resubmits the purged jobs once", async ({ page, request }) => {
    let incidentId = "";
    await expect
      .poll(
        async () => {
          const r = await request.get(`/api/incidents?state=open,acknowledged&endpointId=${RD}`);
          const body = (await r.json()) as { incidents: { id: string }[] };
          incidentId = body.incidents[0]?.id ?? "";
          return incidentId !== "";
        },
        { timeout: 150_000, intervals: [3_000] },
      )
      .toBe(true);
    // jobs are waiting in the crash-looping endpoint's queue
    await expect
      .poll(async () => ((await (await request.get(`/api/jobs?endpointId=${RD}&status=IN_QUEUE&limit=5`)).json()) as { jobs: unknown[] }).jobs.length, { timeout: 120_000, intervals: [3_000] })
      .toBeGreaterThan(0);

    await page.goto(`/incidents/${incidentId}`);
    await expect(page.getByRole("heading", { name: "Cost of failure (estimate)" })).toBeVisible();
    const gpu = page.getByLabel("wasted GPU-seconds");
    await expect(gpu).toHaveText(/\d+ GPU-s/);
    const first = Number((await gpu.innerText()).split(" ")[0]);
    await expect.poll(async () => Number((await gpu.innerText()).split(" ")[0]), { timeout: 60_000, intervals: [2_000] }).toBeGreaterThan(first);
    await expect(page.getByLabel("estimated cost")).toHaveText(/^\$\d/);

    await expect(page.getByRole("heading", { name: "What changed" })).toBeVisible();
    await expect(page.getByRole("table", { name: "Last good vs first crashed worker" })).toContainText("image");

    await page.getByRole("button", { name: "Pause sweeps…" }).click();
    await expect(page.getByRole("group", { name: "Confirm action" })).toContainText("queued trials are kept in RunPod's queue (nothing is sent to RunPod)");
    await page.getByRole("group", { name: "Confirm action" }).getByRole("button", { name: "Confirm" }).click();
    // the demo's policy may have paused the sweep already
    await expect(page.getByRole("status")).toHaveText(/Paused |No running sweep targets this endpoint/);
    const sweeps = (await (await request.get(`/api/sweeps?endpointId=${RD}`)).json()) as { sweeps: { state: string }[] };
    expect(sweeps.sweeps.filter((s) => s.state === "running")).toEqual([]);

    await page.getByRole("button", { name: "Set max workers to 0…" }).click();
    await expect(page.getByRole("group", { name: "Confirm action" })).toContainText("send one PATCH setting it to 0");
    await page.getByRole("group", { name: "Confirm action" }).getByRole("button", { name: "Confirm" }).click();
    await expect(page.getByRole("status")).toHaveText(/Max workers set to 0 \(was \d+\)/);

    await page.getByRole("button", { name: "Purge queue…" }).click();
    await expect(page.getByRole("group", { name: "Confirm action" })).toContainText("ask RunPod once to purge its queue");
    await page.getByRole("group", { name: "Confirm action" }).getByRole("button", { name: "Confirm" }).click();
    await expect(page.getByRole("status")).toHaveText(/RunPod removed \d+ queued jobs; \d+ kept for resubmission/);

    await page.getByRole("button", { name: "Resolve…" }).click();
    await page.getByRole("group", { name: "Confirm resolution" }).getByRole("button", { name: "Confirm resolve" }).click();
    await expect(page.getByText(/in total \(stopped at /)).toBeVisible({ timeout: 30_000 });

    const resubmit = page.getByRole("button", { name: /^Resubmit the \d+ purged jobs$/ });
    await expect(resubmit).toBeVisible();
    const n = Number((await resubmit.innerText()).match(/\d+/)![0]);
    await resubmit.click();
    await expect(page.getByRole("status")).toHaveText(`Resubmitted ${n} of ${n} purged jobs.`);
    await expect(page.getByRole("button", { name: /^Resubmit the \d+ purged jobs$/ })).toHaveCount(0);

    // leave the demo endpoint as it was
    await page.getByRole("button", { name: "Restore max workers…" }).click();
    await page.getByRole("group", { name: "Confirm action" }).getByRole("button", { name: "Confirm" }).click();
    await expect(page.getByRole("status")).toHaveText("Max workers restored.");

    const audit = await request.get(`/api/admin/audit?targetType=endpoint&targetId=${RD}&limit=20`);
    expect(audit.status()).toBe(200);
    const actions = ((await audit.json()) as { entries: { action: string }[] }).entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["endpoint.max_workers.zero", "endpoint.purge_queue", "endpoint.resubmit_purged", "endpoint.max_workers.restore"]));
  });
});
