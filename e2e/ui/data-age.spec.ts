import { expect, test } from "../support/fixtures";
import { readHealth } from "../support/health";

test("the header's data age matches the poller's last tick from /api/health", async ({ shell, request }) => {
  const health = await readHealth(request);
  await shell.goto("/sweeps");
  if (health.poller.lastTickAt === null) {
    await expect(shell.dataAge).toContainText("poller never ran");
  } else {
    await expect(shell.dataAge).toContainText(/updated \d+ (s|min|h|d) ago/);
  }
});

test("the data age keeps polling /api/health", async ({ page, shell }) => {
  await shell.goto("/");
  await shell.waitForHydration();
  // The first answer came with the page (server prefetch); the client then polls on its own.
  const polled = page.waitForResponse((r) => r.url().endsWith("/api/health") && r.request().method() === "GET", { timeout: 20_000 });
  expect((await polled).status()).toBe(200);
});
