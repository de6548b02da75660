import { z } from "zod";

/**
 * The expected-output check of a smoke job (Endpoint.smokeExpect), documented in docs/criteria.md:
 * an object whose keys are dot paths into the job's `output` and whose values are either the expected
 * value (deep equality; numbers equal within 1e-9 relative) or an operator object with `$type`
 * ("number" | "string" | "boolean" | "object" | "array" | "null"), `$min`, `$max` (numbers),
 * `$exists` (true/false). `{}` or null: COMPLETED is enough.
 */
const OperatorSchema = z.strictObject({
  $type: z.enum(["number", "string", "boolean", "object", "array", "null"]).optional(),
  $min: z.number().finite().optional(),
  $max: z.number().finite().optional(),
  $exists: z.boolean().optional(),
});
export const SmokeExpectSchema = z.record(z.string().min(1).max(200), z.unknown()).refine((o) => Object.keys(o).length <= 50, "at most 50 checks");

const isOperator = (v: unknown): boolean => typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => k.startsWith("$"));

/** Validates a user's check; returns the error (with its path) or null. */
export function validateSmokeExpect(expect: unknown): string | null {
  const r = SmokeExpectSchema.safeParse(expect);
  if (!r.success) return r.error.issues[0].message;
  for (const [k, v] of Object.entries(r.data)) {
    if (!isOperator(v)) continue;
    const op = OperatorSchema.safeParse(v);
    if (!op.success) return `${k}: ${op.error.issues[0].message} (operators: $type, $min, $max, $exists)`;
  }
  return null;
}

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

function get(output: unknown, path: string): { found: boolean; value: unknown } {
  let cur: unknown = output;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object") return { found: false, value: undefined };
    const rec = cur as Record<string, unknown>;
    if (!(part in rec)) return { found: false, value: undefined };
    cur = rec[part];
  }
  return { found: true, value: cur };
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  if (typeOf(a) !== typeOf(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => deepEqual(x, (b as unknown[])[i]));
  if (a && typeof a === "object") {
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s === undefined ? "nothing" : s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

/** Checks a job's output against the expectation: null when it matches, else what differs (first mismatch). */
export function checkSmokeOutput(expect: unknown, output: unknown): string | null {
  if (expect === null || expect === undefined) return null;
  const bad = validateSmokeExpect(expect);
  if (bad) return `the expected-output check is invalid: ${bad}`;
  for (const [path, want] of Object.entries(expect as Record<string, unknown>)) {
    const got = get(output, path);
    if (isOperator(want)) {
      const op = want as z.infer<typeof OperatorSchema>;
      if (op.$exists === false) {
        if (got.found) return `output.${path} should be absent, got ${show(got.value)}`;
        continue;
      }
      if (!got.found) return `output.${path} is missing`;
      if (op.$type && typeOf(got.value) !== op.$type) return `output.${path} should be a ${op.$type}, got ${show(got.value)}`;
      if (op.$min !== undefined || op.$max !== undefined) {
        if (typeof got.value !== "number") return `output.${path} should be a number, got ${show(got.value)}`;
        if (op.$min !== undefined && got.value < op.$min) return `output.${path} = ${got.value} is below ${op.$min}`;
        if (op.$max !== undefined && got.value > op.$max) return `output.${path} = ${got.value} is above ${op.$max}`;
      }
      continue;
    }
    if (!got.found) return `output.${path} is missing`;
    if (!deepEqual(got.value, want)) return `output.${path} should be ${show(want)}, got ${show(got.value)}`;
  }
  return null;
}

/** The simulator's Branin handler: one evaluation near the optimum must return a small loss. Demo endpoints opt in with it. */
export const DEMO_SMOKE = { input: { smoke: true, x1: 3.14159, x2: 2.275 }, expect: { loss: { $type: "number", $min: 0, $max: 5 } } } as const;
