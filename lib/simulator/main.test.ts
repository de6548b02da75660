import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "lib/simulator/main.ts")], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function until<T>(fn: () => T | null | undefined, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("npm run simulator (main.ts)", () => {
  it("serves the demo scenario on the given port, prints where it listens, and stops cleanly on SIGTERM", async () => {
    const p = run({ SIMULATOR_PORT: "0", SIMULATOR_API_KEY: "main-test-key-123", SIMULATOR_SCENARIO: "scenarios/demo.yaml" });
    try {
      const url = await until(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(p.output())?.[1], 20_000, "listening line");
      const r = await fetch(`${url}/v2/serverless`, { headers: { Authorization: "Bearer main-test-key-123" } });
      expect(r.status).toBe(200);
      expect(((await r.json()) as { endpoints: { id: string }[] }).endpoints.map((e) => e.id)).toContain("demo-randomdevice");
      expect(p.output()).not.toContain("main-test-key-123");
    } finally {
      p.child.kill("SIGTERM");
    }
    expect(await p.exited).toBe(0);
    expect(p.output()).toContain('"signal":"SIGTERM"');
  }, 30_000);

  it("exits 1 with the offending path when the scenario is invalid", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sim-main-"));
    const file = path.join(dir, "bad.yaml");
    writeFileSync(file, "endpoints:\n  - id: x\n    behaviour: { type: crash_loop, crash: nope }\n");
    const p = run({ SIMULATOR_PORT: "0", SIMULATOR_SCENARIO: file });
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain("endpoints.0.behaviour.crash");
  }, 30_000);
});
