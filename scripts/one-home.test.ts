/**
 * Issue 15, "one home per concept": each concept below is written out in one file only (its home);
 * everything else imports the named values, types and groups. A list of the concept's values anywhere
 * else (an array literal, a type union, a SQL IN list, or a bare spelling of a one-value concept) fails
 * this test. Comments are not code: they may name values.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
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

/** The text without comments (line comments, block comments), so prose may name values. */
export function codeOf(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

/** Lists on one line: array literals, type unions of string literals, SQL IN (...) lists. */
function listsIn(code: string): { text: string; values: string[] }[] {
  const out: { text: string; values: string[] }[] = [];
  const add = (text: string) => out.push({ text, values: [...text.matchAll(/["']([A-Za-z_]+)["']/g)].map((x) => x[1]) });
  for (const m of code.matchAll(/\[[^\][\n]*\]/g)) add(m[0]);
  for (const m of code.matchAll(/"[A-Za-z_]+"(?:\s*\|\s*"[A-Za-z_]+")+/g)) add(m[0]);
  for (const m of code.matchAll(/\bIN\s*\(([^)\n]*)\)/g)) add(m[0]);
  return out;
}

const SWEEP_ONLY = ["paused", "stopping"];
const TRIAL_GROUPS = [/"submitting",\s*"queued"/, /"queued",\s*"running"/, /"pending",\s*"running",\s*"paused"/];
const JOB_STATUSES = ["IN_QUEUE", "IN_PROGRESS", "COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT", "EXPIRED", "UNKNOWN"];
const ROLES = ["viewer", "engineer", "oncall", "admin"];
const DETECTION_SIGNATURES = ["unknown_restart", "exit_code", "crash_loop_unknown"];

interface Concept {
  name: string;
  home: string;
  offenders(code: string): string[];
}

export const CONCEPTS: Concept[] = [
  {
    name: "sweep states and trial-status groups",
    home: "lib/domain/sweep/states.ts",
    offenders: (code) =>
      listsIn(code)
        .filter(({ text, values }) => (values.some((s) => SWEEP_ONLY.includes(s)) && values.some((s) => ["pending", "running", "stopped", "completed"].includes(s))) || TRIAL_GROUPS.some((re) => re.test(text)))
        .map((l) => l.text),
  },
  {
    name: "job statuses",
    home: "lib/domain/job/status.ts",
    offenders: (code) => listsIn(code).filter(({ values }) => values.filter((v) => JOB_STATUSES.includes(v)).length >= 2).map((l) => l.text),
  },
  {
    // Route access lists name one or two roles ("engineer", "oncall") and never viewer with another.
    name: "roles",
    home: "lib/domain/roles.ts",
    offenders: (code) => listsIn(code).filter(({ values }) => values.includes("viewer") && values.some((v) => v !== "viewer" && ROLES.includes(v))).map((l) => l.text),
  },
  {
    name: "the crash-loop flag",
    home: "lib/domain/crash/verdict.ts",
    offenders: (code) => [...code.matchAll(/["'`]random_device_crash_loop["'`]/g)].map((m) => m[0]),
  },
  {
    name: "crash signatures",
    home: "lib/domain/crash/signatures.ts",
    offenders: (code) => [
      ...[...code.matchAll(/["'`]([a-z_]+)["'`]/g)].filter((m) => DETECTION_SIGNATURES.includes(m[1])).map((m) => m[0]),
      ...listsIn(code).filter(({ values }) => values.filter((v) => ["random_device", "cuda_oom", "segfault", "oom_killed", "import_error", "missing_file", "nccl"].includes(v)).length >= 4).map((l) => l.text),
    ],
  },
];

/** Files that may spell a concept's values besides its home: presentation tables keyed by the values. */
const ALSO_ALLOWED: Record<string, string[]> = {
  // colours per signature, typed Record<CrashSignature, string> so a new signature must get one
  "crash signatures": ["lib/charts/timeline.ts"],
  // the simulator's scenario knobs choose among RunPod's statuses (an execution timeout ends FAILED or TIMED_OUT)
  "job statuses": ["lib/simulator/scenario.ts"],
};

describe("one home per concept", () => {
  it("finds planted lists (the checks themselves work)", () => {
    const by = (name: string) => CONCEPTS.find((c) => c.name === name)!;
    expect(by("sweep states and trial-status groups").offenders(`const x = ["pending", "running", "paused"];`)).toHaveLength(1);
    expect(by("sweep states and trial-status groups").offenders(`where: { status: { in: ["queued", "running"] } }`)).toHaveLength(1);
    expect(by("sweep states and trial-status groups").offenders(`z.enum(["healthy", "paused"])`)).toEqual([]);
    expect(by("job statuses").offenders(`where: { status: { in: ["IN_QUEUE", "UNKNOWN"] } }`)).toHaveLength(1);
    expect(by("job statuses").offenders("AND status IN ('IN_QUEUE', 'UNKNOWN')")).toHaveLength(1);
    expect(by("job statuses").offenders(`type S = "COMPLETED" | "FAILED";`)).toHaveLength(1);
    expect(by("job statuses").offenders(`if (s === "IN_QUEUE") return;`)).toEqual([]);
    expect(by("roles").offenders(`z.enum(["viewer", "engineer", "oncall", "admin"])`)).toHaveLength(1);
    expect(by("roles").offenders(`access: ["engineer", "oncall"],`)).toEqual([]);
    expect(by("the crash-loop flag").offenders(`where: { flag: "random_device_crash_loop" }`)).toHaveLength(1);
    expect(by("the crash-loop flag").offenders(`/** flagged "random_device_crash_loop" */ const x = 1;`.replace(/\/\*[\s\S]*?\*\//, ""))).toEqual([]);
    expect(by("crash signatures").offenders(`signature: "unknown_restart"`)).toHaveLength(1);
    expect(codeOf(`a // "random_device_crash_loop"\nconst u = "http://x";`)).toBe(`a \nconst u = "http://x";`);
  });

  for (const concept of CONCEPTS) {
    it(`${concept.name} are written out only in ${concept.home}`, () => {
      const offenders: string[] = [];
      for (const dir of ["lib", "components", "app", "bin", "scripts", "bench"]) {
        for (const file of sources(path.join(ROOT, dir))) {
          const rel = path.relative(ROOT, file);
          if (rel === concept.home || ALSO_ALLOWED[concept.name]?.includes(rel)) continue;
          for (const list of concept.offenders(codeOf(readFileSync(file, "utf8")))) offenders.push(`${rel}: ${list}`);
        }
      }
      expect(offenders).toEqual([]);
    });
  }
});
