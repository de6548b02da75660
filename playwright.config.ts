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
 *   E2E_DEMO_DATABASE_URL  database of the full demo stack (simulator + poller + web, started with
 *                     bin/start.ts) used by the "demo" project; npm test passes a second scratch database.
 *   E2E_DEMO_PORT     port of that stack's web server (default 3101; its simulator uses E2E_DEMO_PORT + 1000).
 * The servers started here run the production build: run `npx next build` first (npm test does).
 * Specs under e2e/api and e2e/ui expect an empty database; specs directly in e2e/ run against the
 * demo stack, whose data changes while they run (await conditions, never assume counts).
 */
const port = Number(process.env.E2E_PORT ?? 3100);
const demoPort = Number(process.env.E2E_DEMO_PORT ?? 3101);
const demoDatabaseUrl = process.env.E2E_DEMO_DATABASE_URL;
const demoBaseURL = process.env.E2E_DEMO_BASE_URL?.replace(/\/+$/, "") ?? `http://127.0.0.1:${demoPort}`;
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

if (demoDatabaseUrl) assertLocalTarget({ databaseUrl: demoDatabaseUrl, baseUrl: demoBaseURL, allowNonLocal: process.env.E2E_ALLOW_NONLOCAL === "1" });

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

const chromium = {
  ...devices["Desktop Chrome"],
  launchOptions: {
    executablePath: chromiumPath(),
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  },
};

// The demo stack: the same wiring as `npm start` (simulator, poller, web) on its own database,
// with short poll intervals so crash loops are flagged within seconds.
const demoEnv: Record<string, string> = {
  ...serverEnv,
  PORT: String(demoPort),
  DATABASE_URL: demoDatabaseUrl ?? "",
  SIMULATOR_PORT: String(demoPort + 1000),
  POLL_HEALTH_INTERVAL_MS: "2000",
  POLL_WORKERS_INTERVAL_MS: "2000",
  POLL_JOBS_INTERVAL_MS: "1000",
};

const webServers = [
  ...(reuseUrl
    ? []
    : [{ command: `npx next start -p ${port} -H 127.0.0.1`, url: `${baseURL}/api/health`, reuseExistingServer: false, timeout: 120_000, env: serverEnv, stdout: "pipe" as const, stderr: "pipe" as const }]),
  ...(demoDatabaseUrl && !process.env.E2E_DEMO_BASE_URL
    ? [{ command: "node --import tsx bin/start.ts --no-build", url: `${demoBaseURL}/api/health`, reuseExistingServer: false, timeout: 180_000, env: demoEnv, stdout: "pipe" as const, stderr: "pipe" as const, gracefulShutdown: { signal: "SIGTERM" as const, timeout: 20_000 } }]
    : []),
];

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
      use: chromium,
    },
    ...(demoDatabaseUrl || process.env.E2E_DEMO_BASE_URL
      ? [
          {
            name: "demo",
            testDir: "./e2e",
            testIgnore: ["**/api/**", "**/ui/**", "**/support/**", "**/damage-control.spec.ts"],
            timeout: 120_000,
            expect: { timeout: 60_000 },
            use: { ...chromium, baseURL: demoBaseURL },
          },
          {
            // Purges the demo queue and scales workers to 0: runs after every other demo test.
            name: "demo-damage",
            testDir: "./e2e",
            testMatch: "**/damage-control.spec.ts",
            dependencies: ["demo"],
            timeout: 120_000,
            expect: { timeout: 60_000 },
            use: { ...chromium, baseURL: demoBaseURL },
          },
        ]
      : []),
  ],
  webServer: webServers,
});
