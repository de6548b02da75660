import { expect, test } from "./support/fixtures";

/*
 * Against the demo stack (simulator + poller + web): a manager opens the criteria page, sees the
 * evidence of a failing criterion, and prints the report. The poller evaluates once a minute; the
 * page's "Evaluate now" (demo principal = admin) makes the wait short. Data changes while this runs:
 * conditions are awaited, counts never assumed.
 */

const CRASH_TITLE = "Container starts without random device crash";

test("a manager sees the evidence of a failing criterion and prints the report", async ({ page, request }) => {
  // The random_device endpoint's view of the criteria, as a manager would pick it from the filter.
  await expect
    .poll(
      async () => {
        await request.post("/api/criteria/evaluate").catch(() => undefined);
        const res = await request.get("/api/criteria?endpointId=demo-randomdevice");
        if (!res.ok()) return null;
        const body = (await res.json()) as { criteria: { title: string; state: string; evidence: unknown[] }[] };
        const c = body.criteria.find((x) => x.title === CRASH_TITLE);
        return c ? `${c.state}:${c.evidence.length > 0}` : null;
      },
      { timeout: 90_000, intervals: [2_000, 5_000] },
    )
    .toBe("fail:true");

  await page.goto("/criteria");
  await expect(page.getByRole("heading", { level: 1, name: "Criteria" })).toBeVisible();
  for (const h of ["Immediate", "Short-term", "Long-term"]) await expect(page.getByRole("heading", { level: 2, name: h })).toBeVisible();

  await page.getByRole("combobox", { name: "Endpoint", exact: true }).selectOption("demo-randomdevice");
  await expect(page).toHaveURL(/\/criteria\?endpoint=demo-randomdevice$/);
  // One summary row per criterion; its card opens on demand.
  await page.getByRole("button", { name: `Details of ${CRASH_TITLE}` }).click();
  const card = page.getByRole("article", { name: CRASH_TITLE });
  await expect(card).toBeVisible();
  await expect(card.getByText("Fail", { exact: true })).toBeVisible();
  const evidence = card.getByRole("list", { name: "Evidence" });
  await expect(evidence.getByRole("listitem").first()).toContainText("random_device");
  // Evidence links to where the crash is shown (the endpoint's page).
  await expect(evidence.getByRole("link").first()).toHaveAttribute("href", /^\/endpoints\/demo-randomdevice\?(crash|logLine)=/);

  // The history panel opens with at least one fail period.
  await card.getByRole("button", { name: "History" }).click();
  await expect(card.getByRole("listitem").filter({ hasText: "Fail" }).first()).toBeVisible();

  // Markdown export for the weekly update.
  const md = await request.get("/api/criteria/report.md?endpointId=demo-randomdevice");
  expect(md.headers()["content-type"]).toContain("text/markdown");
  expect(await md.text()).toContain(`❌ Fail | ${CRASH_TITLE}`);

  // "Print report" calls window.print(); the print stylesheet hides the navigation and the controls.
  await page.evaluate(() => {
    (window as unknown as { __printed: number }).__printed = 0;
    window.print = () => {
      (window as unknown as { __printed: number }).__printed++;
    };
  });
  await page.getByRole("button", { name: "Print report" }).click();
  expect(await page.evaluate(() => (window as unknown as { __printed: number }).__printed)).toBe(1);

  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
  await expect(page.getByRole("button", { name: "Print report" })).toBeHidden();
  await expect(card).toBeVisible();
  const pdf = await page.pdf({ format: "A4", printBackground: true });
  expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  expect(pdf.length).toBeGreaterThan(10_000);
});
