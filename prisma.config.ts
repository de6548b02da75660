import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "prisma/config";

/**
 * Prisma CLI configuration. The URL is only needed by `prisma migrate *` on a machine
 * that can download the native engine; offline, sweepwatch migrates with
 * lib/db/migrate.ts (see docs/database.md). Without DATABASE_URL, a running embedded
 * server (state file written by lib/db/embedded.ts) is used.
 */
function databaseUrl(): string | undefined {
  if (process.env.DATABASE_URL?.trim()) return process.env.DATABASE_URL.trim();
  const stateFile = path.join(process.env.SWEEPWATCH_DATA_DIR || ".data", "postgres.json");
  if (!existsSync(stateFile)) return undefined;
  try {
    const state = JSON.parse(readFileSync(stateFile, "utf8")) as { url?: string };
    return state.url;
  } catch {
    return undefined;
  }
}

const url = databaseUrl();

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  ...(url ? { datasource: { url } } : {}),
});
