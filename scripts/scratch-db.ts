/**
 * A fresh, uniquely named database for one test run: on TEST_DATABASE_URL's (or DATABASE_URL's)
 * server when set, else on a throw-away embedded PostgreSQL. Migrations are applied.
 */
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";

export interface ScratchDatabase {
  url: string;
  cleanup(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  let serverUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  let stopServer: (() => Promise<void>) | null = null;
  let tmp: string | null = null;
  if (!serverUrl) {
    tmp = mkdtempSync(path.join(os.tmpdir(), "sweepwatch-pg-"));
    const server = await startEmbeddedPostgres({ dataDir: path.join(tmp, "data"), port: await freePort() });
    serverUrl = server.url;
    stopServer = server.stop;
  }
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  await applyMigrations(url);
  return {
    url,
    async cleanup() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
      await c.end();
      if (stopServer) await stopServer();
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    },
  };
}
