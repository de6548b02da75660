import type { CriterionState, Horizon } from "@/lib/domain/criteria/rules";
import { formatDurationMs, formatHoursRounded } from "@/lib/format/time";

/** Pure helpers for the criteria pages and report: labels, day bars from history, counts. */

export const HORIZON_ORDER: Horizon[] = ["immediate", "short_term", "long_term"];
export const HORIZON_LABEL: Record<Horizon, string> = { immediate: "Immediate", short_term: "Short-term", long_term: "Long-term" };
export const STATE_ORDER: CriterionState[] = ["fail", "pending", "pass", "unknown"];
export const STATE_LABEL: Record<CriterionState, string> = { pass: "Pass", fail: "Fail", pending: "Pending", unknown: "Unknown" };

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface DayBar {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  /** Milliseconds spent in each state that day (as far as evaluations show). */
  ms: Record<CriterionState, number>;
  /** The worst state seen that day, or "none" when nothing was evaluated. */
  worst: CriterionState | "none";
  /** One line for a tooltip / screen reader, e.g. "2026-11-20: pass 20 h, fail 4 h". */
  label: string;
}

/**
 * Day bars like a status page, oldest first, from a criterion's evaluation history (oldest first).
 * A history row is updated in place while its state holds within an hour, so row i stands for
 * (previous row's time, its own time], at most one hour back. Days without rows are "none".
 */
export function buildDayBars(history: { at: string; state: CriterionState }[], opts: { now: Date; days: number }): DayBar[] {
  const end = Date.UTC(opts.now.getUTCFullYear(), opts.now.getUTCMonth(), opts.now.getUTCDate()) + DAY;
  const start = end - opts.days * DAY;
  const bars: DayBar[] = [];
  for (let t = start; t < end; t += DAY) {
    bars.push({ day: new Date(t).toISOString().slice(0, 10), ms: { pass: 0, fail: 0, pending: 0, unknown: 0 }, worst: "none", label: "" });
  }
  const pts = history.map((h) => ({ t: Date.parse(h.at), state: h.state })).filter((p) => Number.isFinite(p.t)).sort((a, b) => a.t - b.t);
  let prev = -Infinity;
  for (const p of pts) {
    if (p.t < start) {
      prev = p.t;
      continue;
    }
    // at least a minute so a single evaluation still colours its day
    const from = Math.max(prev, p.t - HOUR, start);
    const to = Math.max(Math.min(p.t, end), from);
    let a = from;
    const span = to - from < 60_000 ? 60_000 : 0;
    const stop = to + span;
    while (a < stop && a < end) {
      const i = Math.floor((a - start) / DAY);
      const dayEnd = start + (i + 1) * DAY;
      const b = Math.min(stop, dayEnd);
      if (i >= 0 && i < bars.length) bars[i].ms[p.state] += b - a;
      a = b;
    }
    prev = p.t;
  }
  for (const b of bars) {
    b.worst = STATE_ORDER.find((s) => b.ms[s] > 0) ?? "none";
    const parts = STATE_ORDER.filter((s) => b.ms[s] > 0).map((s) => `${s} ${formatHoursRounded(b.ms[s])}`);
    b.label = `${b.day}: ${parts.length ? parts.join(", ") : "no evaluation"}`;
  }
  return bars;
}

export type StateCounts = Record<CriterionState, number>;

/** Counts per state per horizon (and in total), for the overview and the report header. */
export function countByHorizon(criteria: { horizon: Horizon; state: CriterionState; enabled?: boolean }[]): { horizon: Horizon; counts: StateCounts; total: number }[] {
  return HORIZON_ORDER.map((horizon) => {
    const counts: StateCounts = { pass: 0, fail: 0, pending: 0, unknown: 0 };
    const list = criteria.filter((c) => c.horizon === horizon && c.enabled !== false);
    for (const c of list) counts[c.state]++;
    return { horizon, counts, total: list.length };
  });
}

/** "passes in 3 d 4 h" style remaining time, or null once the countdown has ended. */
export function countdownText(endsAt: string | null, now: number): string | null {
  if (!endsAt) return null;
  const ms = Date.parse(endsAt) - now;
  return ms > 0 ? formatDurationMs(ms) : null;
}

export interface EvidenceLike {
  kind: string;
  id: string;
  endpointId?: string;
  at?: string;
  href?: string;
}

/**
 * Where a piece of evidence is shown in the app (relative path), or an attestation's own http(s) link.
 * Jobs open on their endpoint's page (?job=, as the sweeps pages link them); crashes and log lines on the
 * endpoint's page at that line; health snapshots and worker events on the endpoint page.
 */
export function evidenceHref(e: EvidenceLike): string | null {
  const ep = e.endpointId ? `/endpoints/${encodeURIComponent(e.endpointId)}` : null;
  const id = encodeURIComponent(e.id);
  switch (e.kind) {
    case "incident":
      return `/incidents/${id}`;
    case "sweep":
      return `/sweeps/${id}`;
    case "job":
      return ep ? `${ep}?job=${id}` : `/jobs/${id}`;
    case "crash":
      return ep ? `${ep}?crash=${id}` : null;
    case "log_line":
      return ep ? `${ep}?logLine=${id}` : null;
    case "attestation":
      return e.href && /^https?:\/\//i.test(e.href) ? e.href : null;
    case "health_snapshot":
    case "worker_event":
    case "smoke_run":
    case "endpoint":
      return ep;
    default:
      return ep;
  }
}

export const EVIDENCE_KIND_LABEL: Record<string, string> = {
  crash: "Crash",
  log_line: "Log line",
  health_snapshot: "Health poll",
  job: "Job",
  sweep: "Sweep",
  incident: "Incident",
  smoke_run: "Smoke run",
  attestation: "Attestation",
  worker_event: "Worker event",
  endpoint: "Endpoint",
};

export interface StatePeriod {
  state: CriterionState;
  /** First and last evaluation of the period. */
  from: string;
  to: string;
  /** The newest summary of the period. */
  summary: string;
}

/** Collapses history rows (newest first) into periods of one state, newest first: the history panel's list. */
export function collapseHistory(points: { at: string; state: CriterionState; summary: string }[]): StatePeriod[] {
  const out: StatePeriod[] = [];
  for (const p of points) {
    const last = out.at(-1);
    if (last && last.state === p.state) last.from = p.at;
    else out.push({ state: p.state, from: p.at, to: p.at, summary: p.summary });
  }
  return out;
}
