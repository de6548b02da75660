import { describe, expect, it } from "vitest";
import type { TrialDto } from "@/lib/api/specs/sweeps";
import { groupAttempts } from "./trial-table";

const t = (number: number, attempt: number, status: string, params: Record<string, unknown>): TrialDto =>
  ({ id: `t${number}`, number, attempt, status, params, value: null, jobId: null, error: null, workerId: null, submittedAt: null, startedAt: null, finishedAt: null, durationMs: null }) as unknown as TrialDto;

describe("groupAttempts", () => {
  it("folds a retried trial's attempts under its newest attempt", () => {
    const rows = [t(8, 3, "completed", { x: 1 }), t(7, 2, "failed", { x: 1 }), t(6, 1, "completed", { x: 2 }), t(5, 1, "failed", { x: 1 })];
    const g = groupAttempts(rows);
    expect(g.map((r) => [r.main.number, r.earlier.map((e) => e.number)])).toEqual([
      [8, [7, 5]],
      [6, []],
    ]);
  });
  it("keeps trials that only share parameters apart", () => {
    const rows = [t(2, 1, "completed", { opt: "adam" }), t(1, 1, "completed", { opt: "adam" })];
    expect(groupAttempts(rows).map((r) => r.earlier.length)).toEqual([0, 0]);
  });
});
