/**
 * Issue 15, "one home per concept": sweep states, trial statuses and their groupings are written out
 * only in lib/domain/sweep/states.ts. A list of them anywhere else (an array literal naming a
 * sweep-only state or two trial statuses together) fails this test; import the named group instead.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
const HOME = "lib/domain/sweep/states.ts";
const SKIP_DIRS = new Set(["node_modules", "generated", ".next", "migrations", "test-results", "fixtures", "corpus"]);

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name) || name.startsWith(".")) continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|tsx)$/.test(name) && !/\.(test|spec)\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

const SWEEP_ONLY = ["paused", "stopping"];
const TRIAL_GROUPS = [/"submitting",\s*"queued"/, /"queued",\s*"running"/, /"pending",\s*"running",\s*"paused"/];

/** Array literals on one line that list sweep states or a trial-status group. */
export function stateListsIn(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\[[^\][\n]*\]/g)) {
    const arr = m[0];
    const strings = [...arr.matchAll(/"([a-z_]+)"/g)].map((x) => x[1]);
    if (strings.length < 2) continue;
    if (strings.some((s) => SWEEP_ONLY.includes(s)) && strings.some((s) => ["pending", "running", "stopped", "completed"].includes(s))) found.push(arr);
    else if (TRIAL_GROUPS.some((re) => re.test(arr))) found.push(arr);
  }
  return found;
}

describe("one home per concept", () => {
  it("finds a planted list (the check itself works)", () => {
    expect(stateListsIn(`const x = ["pending", "running", "paused"];`)).toHaveLength(1);
    expect(stateListsIn(`where: { status: { in: ["queued", "running"] } }`)).toHaveLength(1);
    expect(stateListsIn(`z.enum(["healthy", "paused"])`)).toEqual([]);
  });

  it("sweep states and trial-status groups are listed only in " + HOME, () => {
    const offenders: string[] = [];
    for (const dir of ["lib", "components", "app", "bin", "scripts"]) {
      for (const file of sources(path.join(ROOT, dir))) {
        const rel = path.relative(ROOT, file);
        if (rel === HOME) continue;
        for (const list of stateListsIn(readFileSync(file, "utf8"))) offenders.push(`${rel}: ${list}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
