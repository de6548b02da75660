import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { readEmbeddedState, startEmbeddedPostgres } from "./embedded";

/**
 * `npm start` as real processes (embedded PostgreSQL, simulator, poller; no web app), stopped the
 * way a terminal's Ctrl-C stops it: SIGINT to the whole process group at once.
 */
const root = path.resolve(import.meta.dirname, "../..");
const dataDir = mkdtempSync(path.join(tmpdir(), "sweepwatch-stack-"));
const started: ChildProcess[] = [];
afterAll(() => {
  for (const p of started) if (p.exitCode === null && p.signalCode === null) process.kill(-p.pid!, "SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function npmStart(env: Record<string, string>) {
  const clean = { ...process.env };
  delete clean.DATABASE_URL;
  delete clean.TEST_DATABASE_URL;
  delete clean.RUNPOD_API_KEY;
  // detached: the stack gets its own process group, as a terminal gives a foreground job.
  const proc = spawn(process.execPath, ["--import", "tsx", "bin/start.ts", "--no-web"], {
    cwd: root,
    detached: true,
    env: { ...clean, SWEEPWATCH_DATA_DIR: dataDir, SWEEPWATCH_MODE: "demo", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(proc);
  let output = "";
  proc.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  return { proc, exited, output: () => output };
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client(url);
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

describe("npm start", () => {
  it("refuses a second stack on the same data folder, and on Ctrl-C stops the database last so the poller gives its leases back", async () => {
    const stack = npmStart({
      EMBEDDED_PG_PORT: String(await freePort()),
      SIMULATOR_PORT: String(await freePort()),
      POLL_HEALTH_INTERVAL_MS: "500",
      POLL_WORKERS_INTERVAL_MS: "500",
      POLL_JOBS_INTERVAL_MS: "500",
      POLLER_LEASE_MS: "600000", // leases must not lapse by themselves during the test
    });
    await expect.poll(stack.output, { timeout: 150_000, interval: 250 }).toContain("web: not started (--no-web)");
    const url = readEmbeddedState(dataDir)!.url;
    await expect
      .poll(async () => Number((await query<{ n: string }>(url, "SELECT count(*) AS n FROM leases WHERE resource LIKE 'endpoint:%'"))[0].n), { timeout: 60_000, interval: 250 })
      .toBeGreaterThan(0);

    // A second stack on the same folder, with other ports: refused, and the first keeps running.
    const second = npmStart({ EMBEDDED_PG_PORT: String(await freePort()), SIMULATOR_PORT: String(await freePort()) });
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`already runs the embedded database in ${path.relative(root, dataDir)}/`);
    expect(second.output()).toContain("SWEEPWATCH_DATA_DIR=");
    expect(stack.proc.exitCode).toBeNull();

    process.kill(-stack.proc.pid!, "SIGINT"); // Ctrl-C: every process of the group at once
    expect(await stack.exited).toBe(0);
    const out = stack.output();
    expect(out).toContain("poller stopped");
    expect(out).not.toContain("could not release leases");
    expect(out.indexOf("[start] poller stopped")).toBeLessThan(out.indexOf("embedded PostgreSQL stopped"));

    // Back up on the same data: no endpoint lease is held, and the poller is marked stopped.
    const db = await startEmbeddedPostgres({ dataDir, port: await freePort(), writeStateFile: false });
    try {
      expect(await query(db.url, "SELECT resource, holder FROM leases WHERE resource LIKE 'endpoint:%'")).toEqual([]);
      const pollers = await query<{ stoppedAt: Date | null }>(db.url, 'SELECT "stoppedAt" FROM poller_instances');
      expect(pollers.length).toBe(1);
      expect(pollers[0].stoppedAt).not.toBeNull();
    } finally {
      await db.stop();
    }
  }, 300_000);
});
