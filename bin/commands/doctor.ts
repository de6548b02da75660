import type { Command } from "commander";
import pg from "pg";
import { EnvError, parseEnv, type Env } from "@/lib/env";
import { describeDatabaseError, maskDatabaseUrl } from "@/lib/pg-errors";
import { resolveDatabaseUrl } from "@/lib/db/embedded";
import { migrationStatus } from "@/lib/db/migrate";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

async function checkDatabase(env: Env): Promise<{ check: Check; url?: string }> {
  let url: string;
  try {
    url = env.DATABASE_URL ?? resolveDatabaseUrl();
  } catch (e) {
    return { check: { name: "database", ok: false, detail: e instanceof Error ? e.message : String(e) } };
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on("error", () => {});
  try {
    await client.connect();
    const r = await client.query<{ v: string }>("show server_version");
    return { check: { name: "database", ok: true, detail: `connected to ${maskDatabaseUrl(url)} (PostgreSQL ${r.rows[0].v})` }, url };
  } catch (e) {
    return { check: { name: "database", ok: false, detail: describeDatabaseError(e, url) } };
  } finally {
    await client.end().catch(() => {});
  }
}

async function checkMigrations(url: string): Promise<Check> {
  try {
    const s = await migrationStatus(url);
    if (s.pending.length === 0) return { name: "migrations", ok: true, detail: `${s.applied.length} applied, none pending` };
    return { name: "migrations", ok: false, detail: `${s.pending.length} pending (${s.pending.join(", ")}): run \`npx sweepwatch migrate\`` };
  } catch (e) {
    return { name: "migrations", ok: false, detail: `cannot read migration state: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}` };
  }
}

async function checkRunpod(env: Env): Promise<Check> {
  const base = env.RUNPOD_REST_BASE;
  const key = env.mode === "demo" && !env.RUNPOD_API_KEY ? env.SIMULATOR_API_KEY : env.RUNPOD_API_KEY;
  const target = env.mode === "demo" && !env.RUNPOD_API_KEY ? `http://127.0.0.1:${env.SIMULATOR_PORT}` : base;
  if (!key) return { name: "runpod", ok: false, detail: "RUNPOD_API_KEY is not set (live mode needs it)" };
  try {
    const res = await fetch(`${target}/v2/serverless`, { headers: { Authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(5000) });
    if (res.status === 200) {
      const label = env.mode === "demo" ? "simulated RunPod" : "RunPod management API";
      return { name: "runpod", ok: true, detail: `${label} at ${target} answered and accepted the key` };
    }
    if (res.status === 401 || res.status === 403) return { name: "runpod", ok: false, detail: `${target} refused the API key (HTTP ${res.status}): check RUNPOD_API_KEY and its permissions` };
    return { name: "runpod", ok: false, detail: `${target} answered HTTP ${res.status}` };
  } catch (e) {
    const reason = e instanceof Error && e.name === "TimeoutError" ? "timed out" : ((e as { cause?: { code?: string } }).cause?.code ?? "unreachable");
    if (env.mode === "demo") return { name: "runpod", ok: false, detail: `demo mode: the simulator is not reachable at ${target} (${reason}); \`npm start\` starts it` };
    return { name: "runpod", ok: false, detail: `${target} is not reachable (${reason})` };
  }
}

export async function runDoctor(source: Record<string, string | undefined>): Promise<Check[]> {
  let env: Env;
  try {
    env = parseEnv(source);
  } catch (e) {
    return [{ name: "environment", ok: false, detail: e instanceof EnvError ? e.message : String(e) }];
  }
  const checks: Check[] = [{ name: "environment", ok: true, detail: `valid (mode: ${env.mode})` }];
  const db = await checkDatabase(env);
  checks.push(db.check);
  if (db.url) checks.push(await checkMigrations(db.url));
  checks.push(await checkRunpod(env));
  return checks;
}

export function registerDoctorCommand(program: Command) {
  program
    .command("doctor")
    .description("check the database connection, migrations, RunPod reachability and key; explain what is wrong")
    .action(async () => {
      const checks = await runDoctor(process.env);
      for (const c of checks) process.stdout.write(`${c.ok ? "ok  " : "FAIL"}  ${c.name.padEnd(12)} ${c.detail}\n`);
      const failed = checks.filter((c) => !c.ok).length;
      process.stdout.write(failed ? `\n${failed} problem(s) found.\n` : "\nAll checks passed.\n");
      process.exitCode = failed ? 1 : 0;
    });
}
