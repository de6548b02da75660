/**
 * `npm test`: lint (including the import rules of eslint.rooms.mjs), typecheck, unused code (knip),
 * unit tests, database tests (real PostgreSQL), end-to-end tests (Chromium). Runs every step, exits non-zero if any failed, and ends with one summary line.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createScratchDatabase } from "./scratch-db";

const root = path.resolve(import.meta.dirname, "..");
const bin = (n: string) => path.join(root, "node_modules", ".bin", n);
const reports = mkdtempSync(path.join(os.tmpdir(), "sweepwatch-test-"));

interface StepResult {
  name: string;
  ok: boolean;
  passed: number;
  failed: number;
  seconds: number;
  note?: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd: root, env, stdio: "inherit" });
    p.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    p.on("error", () => resolve(127));
  });
}

function vitestCounts(file: string): { passed: number; failed: number } {
  if (!existsSync(file)) return { passed: 0, failed: 0 };
  const r = JSON.parse(readFileSync(file, "utf8")) as { numPassedTests: number; numFailedTests: number };
  return { passed: r.numPassedTests, failed: r.numFailedTests };
}

function playwrightCounts(file: string): { passed: number; failed: number } {
  if (!existsSync(file)) return { passed: 0, failed: 0 };
  const r = JSON.parse(readFileSync(file, "utf8")) as { stats: { expected: number; unexpected: number; flaky: number } };
  return { passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected };
}

async function step(name: string, fn: () => Promise<Omit<StepResult, "name" | "seconds">>): Promise<StepResult> {
  process.stdout.write(`\n==== ${name} ====\n`);
  const t0 = Date.now();
  let res: Omit<StepResult, "name" | "seconds">;
  try {
    res = await fn();
  } catch (e) {
    res = { ok: false, passed: 0, failed: 1, note: e instanceof Error ? e.message : String(e) };
  }
  const r = { name, seconds: (Date.now() - t0) / 1000, ...res };
  process.stdout.write(`==== ${name}: ${r.ok ? "ok" : "FAILED"} (${r.seconds.toFixed(1)} s)${r.note ? ` — ${r.note}` : ""}\n`);
  return r;
}

async function vitestProject(project: string): Promise<Omit<StepResult, "name" | "seconds">> {
  const out = path.join(reports, `${project}.json`);
  const code = await run(bin("vitest"), ["run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${out}`]);
  const c = vitestCounts(out);
  return { ok: code === 0 && c.passed > 0, ...c, note: c.passed === 0 ? "no tests ran" : undefined };
}

async function main() {
  const only = process.argv.slice(2);
  const want = (s: string) => only.length === 0 || only.includes(s);
  const results: StepResult[] = [];

  if (want("lint")) results.push(await step("lint", async () => {
    const code = await run(bin("eslint"), [".", "--max-warnings=0"]);
    return { ok: code === 0, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1 };
  }));
  if (want("typecheck")) results.push(await step("typecheck", async () => {
    const code = await run(bin("tsc"), ["--noEmit"]);
    return { ok: code === 0, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1 };
  }));
  if (want("knip")) results.push(await step("unused code (knip)", async () => {
    const code = await run(bin("knip"), ["--no-progress", "--no-config-hints"]);
    return { ok: code === 0, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1 };
  }));
  if (want("unit")) results.push(await step("unit tests", () => vitestProject("unit")));
  if (want("db")) results.push(await step("database tests", () => vitestProject("db")));
  if (want("e2e")) results.push(await step("end-to-end tests", async () => {
    // Two fresh databases: one stays empty (empty states), one backs the full demo stack.
    const db = await createScratchDatabase("sweepwatch_e2e");
    const demoDb = await createScratchDatabase("sweepwatch_e2e_demo");
    try {
      const env = { ...process.env, DATABASE_URL: db.url, E2E_DEMO_DATABASE_URL: demoDb.url, NODE_ENV: "production" as const, NEXT_TELEMETRY_DISABLED: "1" };
      if (!process.env.E2E_BASE_URL) {
        const built = await run(bin("next"), ["build"], env);
        if (built !== 0) return { ok: false, passed: 0, failed: 1, note: "next build failed" };
      }
      const out = path.join(reports, "e2e.json");
      const code = await run(bin("playwright"), ["test", "--reporter=list,json"], { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: out, PLAYWRIGHT_JSON_OUTPUT_FILE: out });
      const c = playwrightCounts(out);
      return { ok: code === 0 && c.passed > 0, ...c, note: c.passed === 0 ? "no tests ran" : undefined };
    } finally {
      await demoDb.cleanup();
      await db.cleanup();
    }
  }));

  const passed = results.reduce((a, r) => a + r.passed, 0);
  const failed = results.reduce((a, r) => a + r.failed, 0);
  process.stdout.write("\n");
  for (const r of results) process.stdout.write(`  ${r.ok ? "ok    " : "FAILED"} ${r.name.padEnd(18)} ${r.passed} passed, ${r.failed} failed (${r.seconds.toFixed(1)} s)\n`);
  const bad = results.filter((r) => !r.ok).map((r) => r.name);
  process.stdout.write(`\n${bad.length ? `failed steps: ${bad.join(", ")}\n` : ""}summary: ${passed} passed, ${failed} failed\n`);
  process.exit(bad.length ? 1 : 0);
}

void main();
