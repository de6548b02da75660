import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { DiffTarget, SchemaFilter } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { databaseNameOf, poolConfigFromUrl, redactDatabaseUrl, withDatabase } from "./pg-config";
import { withSchemaEngine, type EngineLogRecord } from "./schema-engine";
import {
  DEFAULT_MIGRATIONS_DIR,
  DEFAULT_SCHEMA_PATH,
  MIGRATION_LOCK_CONTENT,
  MIGRATION_LOCK_FILE,
  isValidMigrationName,
  listMigrationNames,
  migrationTimestamp,
  readMigrationList,
  readSchemaFiles,
} from "./migrations-dir";

/**
 * Offline equivalent of `prisma migrate deploy` / `migrate status` / `migrate diff`,
 * running Prisma's own schema engine (WebAssembly) over @prisma/adapter-pg.
 * The engine writes `_prisma_migrations` itself, so a connected machine running the
 * native `prisma migrate deploy` sees the same history.
 */

export interface MigrateOptions {
  migrationsDir?: string;
  /** Receives the engine's log records (JSON lines of the Rust tracing logger). */
  onLog?: (record: EngineLogRecord) => void;
}

export interface DiffOptions extends MigrateOptions {
  schemaPath?: string;
}

const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };
/** Serialises our own concurrent starters (npm start, pollers, CLI); Prisma's engine takes its own lock too. */
const SWEEPWATCH_MIGRATE_LOCK = 727073690;

export class MigrationError extends Error {
  readonly code?: string;
  constructor(message: string, opts: { code?: string; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = "MigrationError";
    this.code = opts.code;
  }
}

function wrapEngineError(e: unknown, databaseUrl: string, what: string): MigrationError {
  const code = typeof e === "object" && e && "code" in e ? String((e as { code: unknown }).code) : undefined;
  const raw = e instanceof Error ? e.message : String(e);
  const message = raw.split(databaseUrl).join(redactDatabaseUrl(databaseUrl));
  return new MigrationError(`${what} failed${code ? ` (${code})` : ""}: ${message}`, { code, cause: e });
}

async function withLockClient<T>(databaseUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...poolConfigFromUrl(databaseUrl), connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (e) {
    throw new MigrationError(
      `cannot connect to ${redactDatabaseUrl(databaseUrl)}: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Applies every migration not yet in `_prisma_migrations`, in name order, like `prisma migrate deploy`. */
export async function applyMigrations(
  databaseUrl: string,
  opts: MigrateOptions & { createDatabase?: boolean } = {},
): Promise<{ applied: string[] }> {
  const migrationsList = readMigrationList(opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  // Like `prisma migrate deploy`, create the database itself when it does not exist yet.
  if (opts.createDatabase ?? true) await ensureDatabaseExists(databaseUrl);
  return withLockClient(databaseUrl, async (client) => {
    await client.query("SELECT pg_advisory_lock($1)", [SWEEPWATCH_MIGRATE_LOCK]);
    try {
      const out = await withSchemaEngine(databaseUrl, { onLog: opts.onLog }, (engine) =>
        engine.applyMigrations({ migrationsList, filters: NO_FILTER }),
      ).catch((e: unknown) => {
        throw wrapEngineError(e, databaseUrl, "applying migrations");
      });
      return { applied: out.appliedMigrationNames };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [SWEEPWATCH_MIGRATE_LOCK]).catch(() => undefined);
    }
  });
}

async function ensureDatabaseExists(databaseUrl: string): Promise<void> {
  const probe = new pg.Client({ ...poolConfigFromUrl(databaseUrl), connectionTimeoutMillis: 10_000 });
  try {
    await probe.connect();
    return;
  } catch (e) {
    if ((e as { code?: string }).code !== "3D000") return; // other errors surface in the real connect
  } finally {
    await probe.end().catch(() => undefined);
  }
  const name = databaseNameOf(databaseUrl);
  await withLockClient(withDatabase(databaseUrl, "postgres"), async (client) => {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`).catch((e: { code?: string }) => {
      if (e.code !== "42P04") throw e; // created concurrently
    });
  });
}

export interface AppliedMigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
  logs: string | null;
}

export interface MigrationStatus {
  /** Names recorded as successfully applied (not rolled back). */
  applied: string[];
  /** Local migrations not yet applied. */
  pending: string[];
  /** Recorded as started but never finished (needs `prisma migrate resolve`). */
  failed: string[];
  /** Applied, but the local migration.sql no longer matches the recorded checksum. */
  edited: string[];
  /** Applied in the database but missing from prisma/migrations (older or newer code?). */
  unknown: string[];
  hasMigrationsTable: boolean;
  /** Only with `checkDrift`: SQL that would bring the database to what the migrations describe; null if none. */
  drift?: string | null;
}

/** sha256 hex of migration.sql, as Prisma records it in `_prisma_migrations.checksum`. */
export function migrationChecksum(script: string): string {
  return createHash("sha256").update(script, "utf8").digest("hex");
}

export async function readAppliedMigrations(databaseUrl: string): Promise<AppliedMigrationRow[] | null> {
  return withLockClient(databaseUrl, async (client) => {
    const exists = await client.query<{ t: string | null }>("SELECT to_regclass('_prisma_migrations')::text AS t");
    if (!exists.rows[0]?.t) return null;
    const res = await client.query<AppliedMigrationRow>(
      `SELECT id, checksum, migration_name, started_at, finished_at, rolled_back_at, applied_steps_count, logs
         FROM _prisma_migrations ORDER BY started_at, migration_name`,
    );
    return res.rows;
  });
}

export async function migrationStatus(
  databaseUrl: string,
  opts: MigrateOptions & { checkDrift?: boolean } = {},
): Promise<MigrationStatus> {
  const migrationsDir = opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const local = listMigrationNames(migrationsDir);
  const rows = await readAppliedMigrations(databaseUrl);
  const live = (rows ?? []).filter((r) => r.rolled_back_at === null);
  const appliedRows = live.filter((r) => r.finished_at !== null);
  const applied = appliedRows.map((r) => r.migration_name);
  const failed = live.filter((r) => r.finished_at === null).map((r) => r.migration_name);
  const edited = appliedRows
    .filter((r) => local.includes(r.migration_name))
    .filter((r) => {
      const sql = readFileSync(path.join(migrationsDir, r.migration_name, "migration.sql"), "utf8");
      return migrationChecksum(sql) !== r.checksum;
    })
    .map((r) => r.migration_name);
  const status: MigrationStatus = {
    applied,
    pending: local.filter((n) => !applied.includes(n) && !failed.includes(n)),
    failed,
    edited,
    unknown: applied.filter((n) => !local.includes(n)),
    hasMigrationsTable: rows !== null,
  };
  if (opts.checkDrift) {
    const d = await diff(databaseUrl, { tag: "migrations", ...readMigrationList(migrationsDir) }, { tag: "schemaDatasource", files: readSchemaFiles(), configDir: path.dirname(DEFAULT_SCHEMA_PATH) }, opts);
    // from = live DB, to = migrations: what the DB lacks compared to its history.
    status.drift = d;
  }
  return status;
}

async function diff(databaseUrl: string, from: DiffTarget, to: DiffTarget, opts: MigrateOptions): Promise<string | null> {
  const out = await withSchemaEngine(databaseUrl, { onLog: opts.onLog }, (engine) =>
    engine.diff({ from, to, script: true, exitCode: true, filters: NO_FILTER }),
  ).catch((e: unknown) => {
    throw wrapEngineError(e, databaseUrl, "schema diff");
  });
  return out.exitCode === 2 ? (out.stdout ?? "") : null;
}

function migrationsTarget(migrationsDir: string): DiffTarget {
  const list = readMigrationList(migrationsDir);
  return list.migrationDirectories.length === 0 ? { tag: "empty" } : { tag: "migrations", ...list };
}

/**
 * SQL that would take a database built from prisma/migrations to what schema.prisma
 * describes; `null` when they agree. Replays the migrations in a temporary shadow
 * database on the server of `databaseUrl` (`prisma migrate diff --from-migrations --to-schema`).
 */
export async function diffSchemaToMigrations(databaseUrl: string, opts: DiffOptions = {}): Promise<string | null> {
  const files = readSchemaFiles(opts.schemaPath ?? DEFAULT_SCHEMA_PATH);
  return diff(databaseUrl, migrationsTarget(opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR), { tag: "schemaDatamodel", files }, opts);
}

/** SQL that would take the live database to schema.prisma; `null` when it already matches. */
export async function diffDatabaseToSchema(databaseUrl: string, opts: DiffOptions = {}): Promise<string | null> {
  const files = readSchemaFiles(opts.schemaPath ?? DEFAULT_SCHEMA_PATH);
  return diff(databaseUrl, { tag: "schemaDatasource", files, configDir: path.dirname(opts.schemaPath ?? DEFAULT_SCHEMA_PATH) }, { tag: "schemaDatamodel", files }, opts);
}

export interface CreateMigrationOptions extends DiffOptions {
  name: string;
  /** Regenerate the newest migration if it carries this name (only before it was released). */
  replace?: boolean;
  now?: Date;
}

export interface CreatedMigration {
  /** Directory name, null when schema.prisma and the migrations already agree. */
  name: string | null;
  dir?: string;
  script?: string;
  replaced?: string;
}

/** `prisma migrate dev --create-only` without the native engine. */
export async function createMigration(databaseUrl: string, opts: CreateMigrationOptions): Promise<CreatedMigration> {
  if (!isValidMigrationName(opts.name)) {
    throw new MigrationError(`migration name "${opts.name}" must be lower-case letters, digits and underscores`);
  }
  const migrationsDir = opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const names = listMigrationNames(migrationsDir);
  let replaced: string | undefined;
  let movedAside: string | undefined;
  if (opts.replace) {
    const last = names.at(-1);
    if (!last || !last.endsWith(`_${opts.name}`)) {
      throw new MigrationError(`--replace: the newest migration is ${last ?? "none"}, not one named "${opts.name}"`);
    }
    replaced = last;
    // Move it out of the folder so the diff starts from the migrations before it.
    movedAside = path.join(path.dirname(migrationsDir), `.replacing-${last}`);
    rmSync(movedAside, { recursive: true, force: true });
    renameDir(path.join(migrationsDir, last), movedAside);
  }
  try {
    const script = await diffSchemaToMigrations(databaseUrl, { ...opts, migrationsDir });
    if (script === null) {
      if (movedAside && replaced) renameDir(movedAside, path.join(migrationsDir, replaced));
      return { name: null };
    }
    const name = `${migrationTimestamp(opts.now)}_${opts.name}`;
    const dir = path.join(migrationsDir, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "migration.sql"), script);
    writeFileSync(path.join(migrationsDir, MIGRATION_LOCK_FILE), MIGRATION_LOCK_CONTENT);
    if (movedAside) rmSync(movedAside, { recursive: true, force: true });
    return { name, dir, script, replaced };
  } catch (e) {
    if (movedAside && replaced) renameDir(movedAside, path.join(migrationsDir, replaced));
    throw e;
  }
}

function renameDir(from: string, to: string) {
  mkdirSync(path.dirname(to), { recursive: true });
  renameSync(from, to);
}
