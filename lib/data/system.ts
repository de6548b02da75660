import { checkDatabase, getPrisma, type PrismaClient } from "@/lib/db";
import { loadEnv } from "@/lib/env";
import { createLogger } from "@/lib/log";
import type { HealthDto } from "@/lib/api/specs/system";
import pkg from "@/package.json";

const log = createLogger("system");

export const APP_VERSION: string = pkg.version;

/** Prisma's "table does not exist" (P2021) or PostgreSQL's undefined_table (42P01): migrations not applied yet. */
function isMissingTable(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { code?: unknown }; message?: unknown } | null;
  if (!e) return false;
  if (e.code === "P2021" || e.code === "42P01" || e.cause?.code === "42P01") return true;
  return typeof e.message === "string" && /relation .* does not exist|table .* does not exist/i.test(e.message);
}

/** The newest tick any poller process recorded, or null when none ever ran (or the table is not there yet). */
export async function getPollerLastTick(prisma: PrismaClient = getPrisma()): Promise<Date | null> {
  try {
    const row = await prisma.pollerInstance.findFirst({
      where: { lastTickAt: { not: null } },
      orderBy: { lastTickAt: "desc" },
      select: { lastTickAt: true },
    });
    return row?.lastTickAt ?? null;
  } catch (err) {
    if (isMissingTable(err)) return null;
    throw err;
  }
}

/**
 * What /api/health answers and the header's data-age indicator shows.
 * Never throws: a database that cannot be reached is reported as "down".
 */
export async function getSystemHealth(
  opts: { now?: () => Date; prisma?: PrismaClient; databaseUrl?: string } = {},
): Promise<HealthDto> {
  const now = (opts.now ?? (() => new Date()))();
  const db = await checkDatabase({ databaseUrl: opts.databaseUrl });
  let lastTick: Date | null = null;
  if (db.up) {
    try {
      lastTick = await getPollerLastTick(opts.prisma);
    } catch (err) {
      log.warn("reading the poller's last tick failed", { error: err });
    }
  }
  return {
    status: db.up ? "ok" : "degraded",
    database: db.up ? "up" : "down",
    mode: loadEnv().mode,
    version: APP_VERSION,
    poller: {
      lastTickAt: lastTick ? lastTick.toISOString() : null,
      ageSeconds: lastTick ? Math.max(0, Math.round((now.getTime() - lastTick.getTime()) / 100) / 10) : null,
    },
    time: now.toISOString(),
  };
}
