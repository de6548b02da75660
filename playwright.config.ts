import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { assertLocalTarget } from "./e2e/support/local-only";

/*
 * End-to-end tests: project "api" (HTTP only) and project "ui" (Chromium).
 *
 * Environment:
 *   DATABASE_URL      database of the server started here (required unless E2E_BASE_URL);
 *                     must be local. `npm test` passes a fresh, migrated scratch database.
 *   E2E_BASE_URL      reuse a running local server instead of starting one (no build needed).
 *   E2E_PORT          port of the server started here (default 3100; 3000 stays free for `npm start`).
 *   PLAYWRIGHT_CHROMIUM_PATH  Chromium to use; else /usr/bin/chromium if present; else Playwright's own.
 *   E2E_ALLOW_NONLOCAL=1      skip the local-only guard (disposable remote test systems only).
 * The server started here is `next start`: run `npx next build` first (npm test does).
 */
const port = Number(process.env.E2E_PORT ?? 3100);
const reuseUrl = process.env.E2E_BASE_URL?.replace(/\/+$/, "");
const baseURL = reuseUrl ?? `http://127.0.0.1:${port}`;

assertLocalTarget({
  databaseUrl: reuseUrl ? undefined : process.env.DATABASE_URL,
  baseUrl: baseURL,
  allowNonLocal: process.env.E2E_ALLOW_NONLOCAL === "1",
});
if (!reuseUrl && !process.env.DATABASE_URL) {
  throw new Error("Set DATABASE_URL to a local (preferably fresh) database for the e2e server, or E2E_BASE_URL to reuse a running server.");
}

function chromiumPath(): string | undefined {
  if (process.env.PLAYWRIGHT_CHROMIUM_PATH) return process.env.PLAYWRIGHT_CHROMIUM_PATH;
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  return undefined; // Playwright's own download, where one is installed
}

const serverEnv: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) if (v !== undefined) serverEnv[k] = v;
Object.assign(serverEnv, {
  PORT: String(port),
  // The e2e server never talks to real RunPod.
  RUNPOD_API_KEY: "",
  SWEEPWATCH_MODE: process.env.SWEEPWATCH_MODE ?? "demo",
});

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: process.env.CI ? 2 : undefined,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "api",
      testDir: "./e2e/api",
      use: { extraHTTPHeaders: { accept: "application/json" } },
    },
    {
      name: "ui",
      testDir: "./e2e/ui",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: chromiumPath(),
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
          ],
        },
      },
    },
  ],
  webServer: reuseUrl
    ? undefined
    : {
        command: `npx next start -p ${port} -H 127.0.0.1`,
        url: `${baseURL}/api/health`,
        reuseExistingServer: false,
        timeout: 120_000,
        env: serverEnv,
        stdout: "pipe",
        stderr: "pipe",
      },
});
