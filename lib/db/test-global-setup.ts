import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from "./embedded";
import { applyMigrations } from "./migrate";
import { poolConfigFromUrl, redactDatabaseUrl, withDatabase } from "./pg-config";

declare module "vitest" {
  export interface ProvidedContext {
    /** A fresh database for this run, migrated with lib/db/migrate.ts. */
    databaseUrl: string;
    /** The server's maintenance URL, for tests that create their own scratch databases. */
    databaseServerUrl: string;
    /** True when the run uses the embedded server (no TEST_DATABASE_URL / DATABASE_URL). */
    embeddedDatabase: boolean;
  }
}

/**
 * Vitest globalSetup of the "db" project: picks a server (TEST_DATABASE_URL, else
 * DATABASE_URL, else an embedded PostgreSQL in a temp folder on a free port), creates
 * `sweepwatch_test_<random>`, applies the migrations, and drops it at the end.
 */
export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL?.trim() || process.env.DATABASE_URL?.trim();
  let embedded: EmbeddedPostgresHandle | undefined;
  let scratchDir: string | undefined;
  let serverUrl: string;
  if (external) {
    serverUrl = external;
  } else {
    scratchDir = mkdtempSync(path.join(tmpdir(), "sweepwatch-test-pg-"));
    embedded = await startEmbeddedPostgres({ dataDir: scratchDir, port: 0, writeStateFile: false });
    serverUrl = embedded.url;
  }

  const dbName = `sweepwatch_test_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client(poolConfigFromUrl(serverUrl));
  try {
    await admin.connect();
  } catch (e) {
    await embedded?.stop();
    throw new Error(`db tests: cannot connect to ${redactDatabaseUrl(serverUrl)}: ${e instanceof Error ? e.message : String(e)}`);
  }
  await admin.query(`CREATE DATABASE "${dbName}"`);
  await admin.end();

  const databaseUrl = withDatabase(serverUrl, dbName);
  await applyMigrations(databaseUrl);

  process.env.DATABASE_URL = databaseUrl;
  project.provide("databaseUrl", databaseUrl);
  project.provide("databaseServerUrl", serverUrl);
  project.provide("embeddedDatabase", Boolean(embedded));

  return async () => {
    const c = new pg.Client(poolConfigFromUrl(serverUrl));
    try {
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    } finally {
      await c.end().catch(() => undefined);
      await embedded?.stop();
      if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
    }
  };
}
