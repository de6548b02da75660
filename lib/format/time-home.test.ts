/**
 * lib/format/time.ts is the one home of time text (issue 15): components and chart preparers import it
 * rather than slicing ISO strings or converting units in a template. This test fails on a new copy.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const FOLDERS = ["components", "lib/charts"];

const HAND_WRITTEN = [
  // "2026-12-05 14:03" cut out of an ISO string
  /\.toISOString\(\)\s*\.(slice|substring|replace)\(/,
  /\bgetUTC(Hours|Minutes|Seconds)\(/,
  // `${Math.round(ms / 1000)} s`: a unit conversion written into the text
  /\$\{[^}]*(Math\.|\/|\*)[^}]*\}\s?(ms|s|min|h|d)\b(?![-\w(])/,
];

/** A UTC day used as a grouping key (YYYY-MM-DD), not shown as a time. */
const ALLOWED = ["lib/charts/criteria.ts: day: new Date(t).toISOString().slice(0, 10)"];

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

describe("time text has one home", () => {
  it("components and lib/charts format durations and times through lib/format", () => {
    const found: string[] = [];
    for (const file of FOLDERS.flatMap((f) => sources(path.join(ROOT, f)))) {
      const rel = path.relative(ROOT, file).split(path.sep).join("/");
      for (const line of readFileSync(file, "utf8").split("\n")) {
        if (HAND_WRITTEN.some((re) => re.test(line)) && !ALLOWED.some((a) => a.startsWith(`${rel}: `) && line.includes(a.slice(rel.length + 2)))) {
          found.push(`${rel}: ${line.trim()}`);
        }
      }
    }
    expect(found).toEqual([]);
  });
});
