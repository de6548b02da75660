import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { resolveDatabaseUrl } from "@/lib/db/embedded-state";
import { poolConfigFromUrl, redactDatabaseUrl } from "@/lib/db/pg-config";

/**
 * The one Prisma client module (server code only: route handlers, server components,
 * lib/data, poller, CLI). No `import "server-only"` here: that package throws outside
 * the react-server condition, i.e. in tsx processes and Vitest; client bundles cannot
 * import this anyway (pg needs Node builtins), and CONTRIBUTING.md (import rule 3) forbids it from client code.
 */

export type { PrismaClient };
export { Prisma } from "@/lib/generated/prisma/client";

interface DbGlobal {
  prisma?: PrismaClient;
  prismaUrl?: string;
}
const g = globalThis as typeof globalThis & { __sweepwatchDb?: DbGlobal };
const cache: DbGlobal = (g.__sweepwatchDb ??= {});

export function createPrismaClient(databaseUrl: string, opts: { max?: number } = {}): PrismaClient {
  const adapter = new PrismaPg({ ...poolConfigFromUrl(databaseUrl), max: opts.max ?? 10, connectionTimeoutMillis: 10_000 });
  return new PrismaClient({ adapter });
}

/**
 * The shared client, created on first use with resolveDatabaseUrl() (DATABASE_URL,
 * else the running embedded server). Cached on globalThis so Next's dev reloads
 * reuse one pool.
 */
export function getPrisma(): PrismaClient {
  if (!cache.prisma) {
    const url = resolveDatabaseUrl();
    cache.prisma = createPrismaClient(url);
    cache.prismaUrl = url;
  }
  return cache.prisma;
}

export async function disconnectPrisma(): Promise<void> {
  const client = cache.prisma;
  cache.prisma = undefined;
  cache.prismaUrl = undefined;
  if (client) await client.$disconnect();
}

export interface DatabaseCheck {
  up: boolean;
  error?: string;
  latencyMs?: number;
}

/**
 * A cheap liveness probe for /api/health and `sweepwatch doctor`: one `SELECT 1` on a
 * fresh connection with a short timeout, so a dead server answers quickly instead of
 * waiting on the pool. The error never contains the password.
 */
export async function checkDatabase(opts: { timeoutMs?: number; databaseUrl?: string } = {}): Promise<DatabaseCheck> {
  const timeoutMs = opts.timeoutMs ?? 2_000;
  let url: string;
  try {
    url = opts.databaseUrl ?? cache.prismaUrl ?? resolveDatabaseUrl();
  } catch (e) {
    return { up: false, error: e instanceof Error ? e.message : String(e) };
  }
  const started = Date.now();
  const client = new pg.Client({
    ...poolConfigFromUrl(url),
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return { up: true, latencyMs: Date.now() - started };
  } catch (e) {
    const msg = e instanceof Error ? e.message || e.name : String(e);
    return { up: false, error: `${redactDatabaseUrl(url)}: ${msg.split(url).join(redactDatabaseUrl(url))}` };
  } finally {
    await client.end().catch(() => undefined);
  }
}
