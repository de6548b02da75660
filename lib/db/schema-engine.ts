import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import * as glue from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { poolConfigFromUrl } from "./pg-config";

export type { SchemaEngine };

/**
 * Prisma's schema engine compiled to WebAssembly, driven through @prisma/adapter-pg.
 * The native engine cannot be downloaded on our machines (see docs/database.md); the
 * package's own entry needs --experimental-wasm-modules, so we instantiate the .wasm
 * through its *_bg.js glue, once per process.
 */
let ready: Promise<void> | undefined;

function loadWasm(): Promise<void> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    const entry = require.resolve("@prisma/schema-engine-wasm");
    const wasmPath = entry.replace(/schema_engine\.js$/, "schema_engine_bg.wasm");
    const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {
      "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports,
    });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return ready;
}

export interface EngineLogRecord {
  level?: string;
  fields?: { message?: string; [k: string]: unknown };
  target?: string;
}

export interface OpenSchemaEngineOptions {
  /** Prisma schema files to load, as [path, content]. Needed for commands that read the datamodel. */
  datamodels?: [string, string][];
  onLog?: (record: EngineLogRecord) => void;
}

export interface OpenedSchemaEngine {
  engine: SchemaEngine;
  /** Frees the engine and closes its connections (which also releases Prisma's migration advisory lock). */
  close(): Promise<void>;
}

/** Opens an engine bound to `databaseUrl`. Diffs from a migrations folder need CREATEDB (shadow database). */
export async function openSchemaEngine(databaseUrl: string, opts: OpenSchemaEngineOptions = {}): Promise<OpenedSchemaEngine> {
  await loadWasm();
  const pools: Pools = new Set();
  const factory = bindMigrationAwareSqlAdapterFactory(migrationAdapterFactory(databaseUrl, pools));
  const log = (line: string) => {
    if (!opts.onLog) return;
    try {
      opts.onLog(JSON.parse(line) as EngineLogRecord);
    } catch {
      opts.onLog({ fields: { message: String(line) } });
    }
  };
  const engine = await glue.SchemaEngine.new({ datamodels: opts.datamodels }, log, factory);
  let closed: Promise<void> | undefined;
  return {
    engine,
    close: () =>
      (closed ??= (async () => {
        // The engine keeps its connection (and the advisory lock it took) until the pool ends.
        engine.free();
        for (const p of pools) await p.end().catch(() => undefined);
      })()),
  };
}

/** Runs `fn` with an engine and closes it afterwards. */
export async function withSchemaEngine<T>(
  databaseUrl: string,
  opts: OpenSchemaEngineOptions,
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const { engine, close } = await openSchemaEngine(databaseUrl, opts);
  try {
    return await fn(engine);
  } finally {
    await close();
  }
}

/**
 * @prisma/adapter-pg refuses result columns of catalog types it does not map (e.g.
 * "char", OID 18, which the engine's schema describer reads from pg_catalog):
 * "Column type 'char' could not be deserialized". This client relabels such columns as
 * text (pg already returned their text form) so the describer works.
 */
const ADAPTER_OIDS = new Set([
  16, 17, 19, 20, 21, 23, 25, 26, 114, 142, 650, 700, 701, 790, 869, 1042, 1043, 1082, 1083, 1114, 1184, 1266, 1560, 1562,
  1700, 2950, 3802, 143, 199, 651, 791, 1000, 1001, 1002, 1005, 1007, 1009, 1014, 1015, 1016, 1021, 1022, 1028, 1041,
  1115, 1182, 1183, 1185, 1231, 1270, 1561, 1563, 2951, 3807,
]);
const TEXT_OID = 25;
const FIRST_NORMAL_OID = 16384;

function relabelUnsupported<R>(res: R): R {
  const fields = (res as { fields?: { dataTypeID: number }[] } | undefined)?.fields;
  if (fields) {
    for (const f of fields) if (f.dataTypeID < FIRST_NORMAL_OID && !ADAPTER_OIDS.has(f.dataTypeID)) f.dataTypeID = TEXT_OID;
  }
  return res;
}

class CatalogSafeClient extends pg.Client {
  // pg's overloads cannot be expressed for a pass-through override.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last = args.at(-1);
    if (typeof last === "function") {
      args[args.length - 1] = (err: Error | null, res: unknown) => last(err, err ? res : relabelUnsupported(res));
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return (super.query as any)(...args);
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const out = (super.query as any)(...args);
    return out && typeof out.then === "function" ? out.then(relabelUnsupported) : out;
  }
}

type Pools = Set<pg.Pool>;

function pgFactory(config: pg.PoolConfig, pools: Pools): PrismaPg {
  const pool = new pg.Pool({ ...config, max: 2, Client: CatalogSafeClient });
  pool.on("error", () => undefined);
  pools.add(pool);
  return new PrismaPg(pool);
}

/**
 * The shadow database (for diffs from a migrations folder) is a temporary
 * `prisma_migrate_shadow_db_<uuid>` on the same server. PrismaPg's own version drops it
 * before closing the pool still connected to it ("being accessed by other users");
 * here the pool closes first and the drop is forced.
 */
function migrationAdapterFactory(databaseUrl: string, pools: Pools): PrismaPg {
  const config = poolConfigFromUrl(databaseUrl);
  const factory = pgFactory(config, pools);
  factory.connectToShadowDb = async () => {
    const admin = new pg.Client(config);
    await admin.connect();
    const name = `prisma_migrate_shadow_db_${randomUUID()}`;
    const drop = async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
      await admin.end().catch(() => undefined);
    };
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
      const shadowPools: Pools = new Set();
      const adapter = await pgFactory({ ...config, database: name }, shadowPools).connect();
      adapter.dispose = async () => {
        for (const p of shadowPools) await p.end().catch(() => undefined);
        await drop();
      };
      return adapter;
    } catch (e) {
      await drop();
      throw e;
    }
  };
  return factory;
}
