import { execFile, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";

/**
 * A second `next start` of the same build in LIVE mode (the shared e2e server runs in demo
 * mode), on its own scratch database (created next to DATABASE_URL's, migrated, dropped at
 * stop — so its data never shows on the shared server's empty-state pages), with a known admin
 * from SWEEPWATCH_ADMIN_* and a recognisable fake RunPod key. Its stdout/stderr are kept so
 * tests can scan the log lines.
 */
export interface LiveServer {
  baseURL: string;
  admin: { username: string; password: string };
  runpodKey: string;
  logs: string[];
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export async function startLiveServer(): Promise<LiveServer> {
  const sharedUrl = process.env.DATABASE_URL;
  if (!sharedUrl) throw new Error("The live-mode auth e2e tests start their own server and need DATABASE_URL (the e2e database's server is used for a scratch database).");
  const root = path.resolve(import.meta.dirname, "..", "..");
  const dbName = `sweepwatch_e2e_auth_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  await adminQuery(sharedUrl, `CREATE DATABASE "${dbName}"`);
  const databaseUrl = withDatabase(sharedUrl, dbName);
  await promisify(execFile)(path.join(root, "node_modules", ".bin", "tsx"), ["bin/sweepwatch.ts", "migrate"], { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl } });
  const dropDb = () => adminQuery(sharedUrl, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
  const port = await freePort();
  const admin = { username: `e2e-admin-${randomBytes(3).toString("hex")}`, password: `pw-${randomBytes(12).toString("hex")}` };
  const runpodKey = `rpa_E2ECANARY${randomBytes(14).toString("hex").toUpperCase()}`;
  const logs: string[] = [];
  const child: ChildProcess = spawn(path.join(root, "node_modules", ".bin", "next"), ["start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      SWEEPWATCH_MODE: "live",
      RUNPOD_API_KEY: runpodKey,
      // Nothing may leave the machine: RunPod at the discard port.
      RUNPOD_API_BASE: "http://127.0.0.1:9",
      RUNPOD_REST_BASE: "http://127.0.0.1:9",
      SWEEPWATCH_SECRET_KEY: randomBytes(32).toString("hex"),
      SWEEPWATCH_ADMIN_USERNAME: admin.username,
      SWEEPWATCH_ADMIN_PASSWORD: admin.password,
      LOG_LEVEL: "debug",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d: Buffer) => logs.push(d.toString("utf8")));
  child.stderr!.on("data", (d: Buffer) => logs.push(d.toString("utf8")));
  const baseURL = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await dropDb();
      throw new Error(`live server exited early (${child.exitCode}):\n${logs.join("")}`);
    }
    try {
      const res = await fetch(`${baseURL}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.status < 500) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      await dropDb();
      throw new Error(`live server did not answer within 60 s:\n${logs.join("")}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseURL,
    admin,
    runpodKey,
    logs,
    stop: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
      await dropDb();
    },
  };
}
