import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { classifyLog } from "./classifier";

const FIX = path.join(import.meta.dirname, "fixtures");

/** Live regeneration needs g++, root and a working `unshare -m` (private mount namespace for the bind mount). */
function canRunLive(): boolean {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return false;
  if (spawnSync("g++", ["--version"]).status !== 0) return false;
  return spawnSync("unshare", ["-m", "true"]).status === 0;
}

describe.runIf(canRunLive())("real abort, compiled and run live (g++ + root + unshare -m)", () => {
  it("prints exactly the committed stderr, exits 134, and classifies as random_device", () => {
    const out = mkdtempSync(path.join(tmpdir(), "sweepwatch-real-abort-"));
    try {
      execFileSync("sh", [path.join(FIX, "generate-real-abort.sh"), out], { stdio: "pipe", timeout: 60_000 });
      for (const name of ["real-abort", "real-unsupported-token"]) {
        const live = readFileSync(path.join(out, `${name}.stderr.txt`), "utf8");
        expect(live).toBe(readFileSync(path.join(FIX, `${name}.stderr.txt`), "utf8"));
        const meta = JSON.parse(readFileSync(path.join(out, `${name}.meta.json`), "utf8")) as { exitCode: number };
        expect(meta.exitCode).toBe(134);
        expect(classifyLog(live, { exitCode: meta.exitCode })).toMatchObject({ primary: "random_device", crashes: [{ signature: "random_device", line: 2, exitCode: 134 }] });
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 90_000); // compiles two programs with g++: seconds on a busy machine, not the default 5 s
});
