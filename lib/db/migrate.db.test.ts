import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createHash, randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import {
  applyMigrations,
  createMigration,
  diffDatabaseToSchema,
  diffSchemaToMigrations,
  migrationStatus,
  readAppliedMigrations,
} from "./migrate";
import { DEFAULT_MIGRATIONS_DIR, DEFAULT_SCHEMA_PATH, listMigrationNames } from "./migrations-dir";
import { poolConfigFromUrl, withDatabase } from "./pg-config";

const databaseUrl = inject("databaseUrl");
const serverUrl = inject("databaseServerUrl");
const localMigrations = listMigrationNames();
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

const scratchDbs: string[] = [];
const scratchDirs: string[] = [];

async function adminQuery(sql: string) {
  const c = new pg.Client(poolConfigFromUrl(serverUrl));
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function scratchDatabase(): Promise<string> {
  const name = `sweepwatch_scratch_${randomBytes(4).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  scratchDbs.push(name);
  return withDatabase(serverUrl, name);
}

function scratchCopyOfPrisma(): { schemaPath: string; migrationsDir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "sweepwatch-prisma-"));
  scratchDirs.push(dir);
  cpSync(DEFAULT_MIGRATIONS_DIR, path.join(dir, "migrations"), { recursive: true });
  cpSync(DEFAULT_SCHEMA_PATH, path.join(dir, "schema.prisma"));
  return { schemaPath: path.join(dir, "schema.prisma"), migrationsDir: path.join(dir, "migrations") };
}

afterAll(async () => {
  for (const db of scratchDbs) await adminQuery(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
  for (const d of scratchDirs) rmSync(d, { recursive: true, force: true });
});

describe("offline migrations (wasm schema engine)", () => {
  it("has at least the init migration and a postgresql lock file", () => {
    expect(localMigrations.length).toBeGreaterThan(0);
    expect(localMigrations[0]).toMatch(/^\d{14}_init$/);
    expect(readFileSync(path.join(DEFAULT_MIGRATIONS_DIR, "migration_lock.toml"), "utf8")).toContain('provider = "postgresql"');
  });

  it("records every migration in _prisma_migrations the way prisma migrate deploy does", async () => {
    const rows = await readAppliedMigrations(databaseUrl);
    expect(rows).not.toBeNull();
    expect(rows!.map((r) => r.migration_name)).toEqual(localMigrations);
    for (const row of rows!) {
      const sql = readFileSync(path.join(DEFAULT_MIGRATIONS_DIR, row.migration_name, "migration.sql"), "utf8");
      expect(row.checksum).toBe(sha256(sql));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
    }
  });

  it("creates _prisma_migrations with Prisma's exact columns", async () => {
    const c = new pg.Client(poolConfigFromUrl(databaseUrl));
    await c.connect();
    try {
      const { rows } = await c.query<{ column_name: string; data_type: string; is_nullable: string }>(
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns
          WHERE table_name = '_prisma_migrations' ORDER BY column_name`,
      );
      expect(rows).toEqual([
        { column_name: "applied_steps_count", data_type: "integer", is_nullable: "NO" },
        { column_name: "checksum", data_type: "character varying", is_nullable: "NO" },
        { column_name: "finished_at", data_type: "timestamp with time zone", is_nullable: "YES" },
        { column_name: "id", data_type: "character varying", is_nullable: "NO" },
        { column_name: "logs", data_type: "text", is_nullable: "YES" },
        { column_name: "migration_name", data_type: "character varying", is_nullable: "NO" },
        { column_name: "rolled_back_at", data_type: "timestamp with time zone", is_nullable: "YES" },
        { column_name: "started_at", data_type: "timestamp with time zone", is_nullable: "NO" },
      ]);
    } finally {
      await c.end();
    }
  });

  it("applying again is a no-op", async () => {
    const before = await readAppliedMigrations(databaseUrl);
    const out = await applyMigrations(databaseUrl);
    expect(out.applied).toEqual([]);
    const after = await readAppliedMigrations(databaseUrl);
    expect(after).toEqual(before);
  });

  it("status of a migrated database has nothing pending, failed or edited", async () => {
    const status = await migrationStatus(databaseUrl, { checkDrift: true });
    expect(status).toMatchObject({ applied: localMigrations, pending: [], failed: [], edited: [], unknown: [], hasMigrationsTable: true });
    expect(status.drift).toBeNull();
  });

  it("two processes migrating one empty database at once apply each migration exactly once", async () => {
    const url = await scratchDatabase();
    const before = await migrationStatus(url);
    expect(before).toMatchObject({ applied: [], pending: localMigrations, hasMigrationsTable: false });
    const [a, b] = await Promise.all([applyMigrations(url), applyMigrations(url)]);
    expect([...a.applied, ...b.applied].sort()).toEqual(localMigrations);
    const rows = await readAppliedMigrations(url);
    expect(rows!.map((r) => r.migration_name)).toEqual(localMigrations);
  });

  it("reports an edited migration by checksum", async () => {
    const copy = scratchCopyOfPrisma();
    const first = localMigrations[0];
    const file = path.join(copy.migrationsDir, first, "migration.sql");
    writeFileSync(file, readFileSync(file, "utf8") + "\n-- edited after release\n");
    const status = await migrationStatus(databaseUrl, { migrationsDir: copy.migrationsDir });
    expect(status.edited).toEqual([first]);
  });
});

describe("drift between schema.prisma and prisma/migrations", () => {
  it("replaying the migrations gives exactly what schema.prisma describes (run db:new-migration if this fails)", async () => {
    const script = await diffSchemaToMigrations(databaseUrl);
    expect(script, `schema.prisma differs from prisma/migrations; missing SQL:\n${script}`).toBeNull();
  });

  it("the migrated database matches schema.prisma", async () => {
    expect(await diffDatabaseToSchema(databaseUrl)).toBeNull();
  });

  it("detects a schema change that has no migration, and db:new-migration closes the gap", async () => {
    const copy = scratchCopyOfPrisma();
    const schema = readFileSync(copy.schemaPath, "utf8").replace(
      "model AppSetting {\n",
      "model AppSetting {\n  driftProbe Int?\n",
    );
    writeFileSync(copy.schemaPath, schema);
    const script = await diffSchemaToMigrations(databaseUrl, copy);
    expect(script).toContain('ALTER TABLE "app_settings" ADD COLUMN     "driftProbe" INTEGER');

    const created = await createMigration(databaseUrl, { ...copy, name: "drift_probe", now: new Date("2099-01-01T00:00:00Z") });
    expect(created.name).toBe("20990101000000_drift_probe");
    expect(await diffSchemaToMigrations(databaseUrl, copy)).toBeNull();

    const again = await createMigration(databaseUrl, { ...copy, name: "noop" });
    expect(again.name).toBeNull();
  });
});

describe("applyMigrations on a database that does not exist yet", () => {
  it("creates it first, like prisma migrate deploy", async () => {
    const name = `sweepwatch_scratch_${randomBytes(4).toString("hex")}`;
    scratchDbs.push(name);
    const out = await applyMigrations(withDatabase(serverUrl, name));
    expect(out.applied).toEqual(localMigrations);
  });
});
