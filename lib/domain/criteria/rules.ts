import { z } from "zod";

/**
 * Success criteria as typed rules over facts sweepwatch already records.
 * Pure: the server gathers EndpointFacts (lib/data), this module decides.
 */

export type CriterionState = "pass" | "fail" | "pending" | "unknown";
export type Horizon = "immediate" | "short_term" | "long_term";

export type EvidenceKind =
  | "crash"
  | "log_line"
  | "health_snapshot"
  | "job"
  | "sweep"
  | "incident"
  | "smoke_run"
  | "attestation"
  | "worker_event"
  | "endpoint";

export interface Evidence {
  kind: EvidenceKind;
  id: string;
  endpointId?: string;
  at?: string;
  label: string;
  /** An external link (attestations): http(s) only. */
  href?: string;
}

export interface RuleResult {
  state: CriterionState;
  summary: string;
  evidence: Evidence[];
  /** When the rule itself knows since when the state holds (e.g. the rollout time). */
  since?: Date;
  /** Quiet-period rules: when the criterion passes if nothing happens. */
  countdownEndsAt?: Date;
  /** Why a countdown started again. */
  resetReason?: string;
}

export interface EndpointFacts {
  endpointId: string;
  endpointName: string;
  /** When sweepwatch started watching this endpoint. */
  watchedSince: Date;
  currentImage: string | null;
  /** When the current image was first seen on a worker. */
  imageSince: Date | null;
  images: { image: string; firstSeenAt: Date; firstSweepTrafficAt: Date | null }[];
  /** Last time a worker running the current image became ready (idle or running). */
  workerReadyAt: Date | null;
  workerReadyEventId?: string | null;
  /** kind "log_line": found in a stored log line (no crash event recorded for it). */
  crashes: { id: string; at: Date; signature: string | null; image: string | null; workerId: string | null; line?: string; kind?: "crash" | "log_line" }[];
  restarts: { id: string; at: Date; workerId: string; signature: string | null }[];
  /** Most recent first. ok = the /health call answered. */
  healthPolls: { id: string; at: Date; ok: boolean; readyWorkers: number }[];
  smokeRuns: { id: string; jobId: string | null; image: string | null; ok: boolean | null; status: string; submittedAt: Date; finishedAt: Date | null }[];
  sweeps: { id: string; name: string; state: string; total: number; finished: number; completedAt: Date | null }[];
  /** Terminal jobs, most recent first. */
  jobs: { id: string; status: string; executionTimeMs: number | null; finishedAt: Date }[];
  incidents: { id: string; title: string; openedAt: Date; resolvedAt: Date | null }[];
  attestations: { id: string; by: string; at: Date; link: string | null }[];
}

const DAY = 86_400_000;

export const RuleParamSchemas = {
  no_crash_since_rollout: z.object({ signature: z.string().min(1).default("random_device") }),
  health_responds: z.object({ lastPolls: z.number().int().min(1).max(100).default(3) }),
  smoke_job_passed: z.object({
    input: z.record(z.string(), z.unknown()).default({ smoke: true, x1: 3.14159, x2: 2.275 }),
    everyMinutes: z.number().int().min(1).max(10_080).default(60),
  }),
  sweep_completed: z.object({}),
  job_success_rate: z.object({
    lastJobs: z.number().int().min(1).max(10_000).default(50),
    minJobs: z.number().int().min(1).max(10_000).default(10),
    minSuccessPct: z.number().min(0).max(100).default(95),
    maxP90OverMedianPct: z.number().min(0).max(10_000).default(50),
  }),
  quiet_period: z.object({ signature: z.string().min(1).nullable().default(null), days: z.number().positive().max(365).default(7) }),
  production_ready: z.object({
    days: z.number().positive().max(365).default(30),
    minSuccessPct: z.number().min(0).max(100).default(99),
    maxIncidentOpenMinutes: z.number().positive().default(60),
  }),
  attestation: z.object({ what: z.string().default("") }),
  smoke_before_traffic: z.object({}),
} as const;

export type RuleName = keyof typeof RuleParamSchemas;
export const RULE_NAMES = Object.keys(RuleParamSchemas) as RuleName[];

export const RULE_DESCRIPTIONS: Record<RuleName, string> = {
  no_crash_since_rollout: "No worker crash with the given signature since the current image rolled out, and a worker on that image became ready.",
  health_responds: "/health answered on the last N polls and at least one worker became ready.",
  smoke_job_passed: "A smoke job (the configured input, like the worker's test_input.json) completed on the current image.",
  sweep_completed: "A full sweep completed with all of its trials finished.",
  job_success_rate: "Job success rate over the last N jobs at least X %, and execution-time p90 within Y % of the median.",
  quiet_period: "No worker restart (for the given crash signature, or any) for D days.",
  production_ready: "Over the last D days: job success rate at least X % and no incident open longer than M minutes.",
  attestation: "A person attests it (who, when, a link), for things no data can show.",
  smoke_before_traffic: "Every new image passed the smoke job before it took sweep traffic.",
};

export function parseRuleParams(rule: string, params: unknown): { ok: true; rule: RuleName; params: Record<string, unknown> } | { ok: false; error: string } {
  if (!(rule in RuleParamSchemas)) return { ok: false, error: `unknown rule "${rule}"; known rules: ${RULE_NAMES.join(", ")}` };
  const r = rule as RuleName;
  const parsed = RuleParamSchemas[r].safeParse(params ?? {});
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    return { ok: false, error: `params.${i.path.join(".")}: ${i.message}` };
  }
  return { ok: true, rule: r, params: parsed.data as Record<string, unknown> };
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min`;
  return `${s} s`;
}

const iso = (d: Date) => d.toISOString();

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

function matches(signature: string | null, wanted: string | null): boolean {
  return wanted === null || signature === wanted;
}

type Evaluator<P> = (f: EndpointFacts, params: P, now: Date) => RuleResult;

const noCrashSinceRollout: Evaluator<{ signature: string }> = (f, p) => {
  if (!f.currentImage || !f.imageSince) {
    return { state: "unknown", summary: `No worker has been seen on ${f.endpointName} yet, so the current image is unknown.`, evidence: [] };
  }
  const rolloutAt = f.imageSince;
  const crashes = f.crashes
    .filter((c) => c.signature === p.signature && c.at >= rolloutAt && (c.image === null || c.image === f.currentImage))
    .sort((a, b) => b.at.getTime() - a.at.getTime());
  if (crashes.length > 0) {
    return {
      state: "fail",
      summary: `${crashes.length} ${p.signature} crash(es) on ${f.endpointName} since image ${f.currentImage} rolled out; latest ${iso(crashes[0].at)}.`,
      evidence: crashes.slice(0, 5).map((c) => ({
        kind: c.kind ?? ("crash" as const),
        id: c.id,
        endpointId: f.endpointId,
        at: iso(c.at),
        label: `${c.signature} on worker ${c.workerId ?? "?"}${c.line ? `: ${c.line.slice(0, 160)}` : ""}`,
      })),
      since: crashes[crashes.length - 1].at,
    };
  }
  if (!f.workerReadyAt || f.workerReadyAt < rolloutAt) {
    return {
      state: "pending",
      summary: `No ${p.signature} crash since ${f.currentImage} rolled out (${iso(rolloutAt)}), but no worker on it has become ready yet.`,
      evidence: [{ kind: "endpoint", id: f.endpointId, endpointId: f.endpointId, label: `image ${f.currentImage} since ${iso(rolloutAt)}` }],
    };
  }
  return {
    state: "pass",
    summary: `A worker on ${f.currentImage} became ready at ${iso(f.workerReadyAt)} and no ${p.signature} crash was seen since the rollout.`,
    evidence: f.workerReadyEventId
      ? [{ kind: "worker_event", id: f.workerReadyEventId, endpointId: f.endpointId, at: iso(f.workerReadyAt), label: "worker became ready" }]
      : [{ kind: "endpoint", id: f.endpointId, endpointId: f.endpointId, label: `image ${f.currentImage}` }],
    since: f.workerReadyAt,
  };
};

const healthResponds: Evaluator<{ lastPolls: number }> = (f, p) => {
  const polls = f.healthPolls.slice(0, p.lastPolls);
  if (polls.length === 0) return { state: "unknown", summary: `No /health poll of ${f.endpointName} recorded yet.`, evidence: [] };
  const failed = polls.filter((x) => !x.ok);
  const ev = (x: EndpointFacts["healthPolls"][number]): Evidence => ({
    kind: "health_snapshot",
    id: x.id,
    endpointId: f.endpointId,
    at: iso(x.at),
    label: x.ok ? `answered, ${x.readyWorkers} ready worker(s)` : "no answer",
  });
  if (failed.length > 0) {
    return { state: "fail", summary: `/health failed ${failed.length} of the last ${polls.length} polls.`, evidence: failed.slice(0, 5).map(ev) };
  }
  if (polls.length < p.lastPolls) {
    return { state: "pending", summary: `/health answered ${polls.length} of the ${p.lastPolls} polls needed so far.`, evidence: polls.map(ev) };
  }
  const ready = f.workerReadyAt !== null || f.healthPolls.some((x) => x.readyWorkers > 0);
  if (!ready) {
    return { state: "pending", summary: `/health answered the last ${polls.length} polls, but no worker has become ready yet.`, evidence: polls.map(ev) };
  }
  return { state: "pass", summary: `/health answered the last ${polls.length} polls and a worker became ready.`, evidence: polls.map(ev) };
};

const smokeJobPassed: Evaluator<{ input: Record<string, unknown>; everyMinutes: number }> = (f) => {
  if (!f.currentImage) return { state: "unknown", summary: `The current image of ${f.endpointName} is not known yet.`, evidence: [] };
  const runs = f.smokeRuns.filter((r) => r.image === f.currentImage).sort((a, b) => b.submittedAt.getTime() - a.submittedAt.getTime());
  const ev = (r: EndpointFacts["smokeRuns"][number]): Evidence => ({
    kind: r.jobId ? "job" : "smoke_run",
    id: r.jobId ?? r.id,
    endpointId: f.endpointId,
    at: iso(r.finishedAt ?? r.submittedAt),
    label: `smoke job ${r.status.toLowerCase()}`,
  });
  const passed = runs.find((r) => r.ok === true);
  if (passed) return { state: "pass", summary: `A smoke job completed on ${f.currentImage}.`, evidence: [ev(passed)], since: passed.finishedAt ?? undefined };
  const latest = runs[0];
  if (!latest) return { state: "pending", summary: `No smoke job has run on ${f.currentImage} yet.`, evidence: [] };
  if (latest.ok === false) return { state: "fail", summary: `The latest smoke job on ${f.currentImage} ended ${latest.status}.`, evidence: [ev(latest)] };
  return { state: "pending", summary: `A smoke job on ${f.currentImage} is ${latest.status.toLowerCase()}.`, evidence: [ev(latest)] };
};

const sweepCompleted: Evaluator<Record<string, never>> = (f) => {
  const done = f.sweeps.filter((s) => s.state === "completed" && s.total > 0 && s.finished >= s.total);
  if (done.length > 0) {
    const s = done.sort((a, b) => (b.completedAt?.getTime() ?? 0) - (a.completedAt?.getTime() ?? 0))[0];
    return {
      state: "pass",
      summary: `Sweep "${s.name}" completed with all ${s.total} trials finished.`,
      evidence: [{ kind: "sweep", id: s.id, endpointId: f.endpointId, at: s.completedAt ? iso(s.completedAt) : undefined, label: s.name }],
      since: s.completedAt ?? undefined,
    };
  }
  if (f.sweeps.length === 0) return { state: "unknown", summary: `No sweep has run on ${f.endpointName}.`, evidence: [] };
  const live = f.sweeps.filter((s) => ["pending", "running", "paused", "stopping"].includes(s.state));
  const ev = (s: EndpointFacts["sweeps"][number]): Evidence => ({ kind: "sweep", id: s.id, endpointId: f.endpointId, label: `${s.name}: ${s.state}, ${s.finished}/${s.total}` });
  if (live.length > 0) return { state: "pending", summary: `${live.length} sweep(s) still running.`, evidence: live.slice(0, 5).map(ev) };
  return { state: "fail", summary: `No sweep completed: ${f.sweeps.length} ended without finishing all trials.`, evidence: f.sweeps.slice(0, 5).map(ev) };
};

function successStats(jobs: EndpointFacts["jobs"]) {
  const counted = jobs.filter((j) => j.status !== "CANCELLED");
  const ok = counted.filter((j) => j.status === "COMPLETED");
  const times = ok.map((j) => j.executionTimeMs).filter((t): t is number => t !== null).sort((a, b) => a - b);
  return {
    counted: counted.length,
    rate: counted.length ? (ok.length / counted.length) * 100 : NaN,
    median: percentile(times, 50),
    p90: percentile(times, 90),
    failed: counted.filter((j) => j.status !== "COMPLETED"),
  };
}

const jobSuccessRate: Evaluator<{ lastJobs: number; minJobs: number; minSuccessPct: number; maxP90OverMedianPct: number }> = (f, p) => {
  const jobs = f.jobs.slice(0, p.lastJobs);
  if (jobs.length === 0) return { state: "unknown", summary: `No finished job on ${f.endpointName} yet.`, evidence: [] };
  const st = successStats(jobs);
  const failEv = st.failed.slice(0, 5).map<Evidence>((j) => ({ kind: "job", id: j.id, endpointId: f.endpointId, at: iso(j.finishedAt), label: `job ${j.status}` }));
  if (st.counted < p.minJobs) {
    return { state: "pending", summary: `${st.counted} finished job(s) so far; ${p.minJobs} needed to judge.`, evidence: failEv };
  }
  const rateOk = st.rate >= p.minSuccessPct;
  const spread = Number.isFinite(st.median) && st.median > 0 ? ((st.p90 - st.median) / st.median) * 100 : 0;
  const spreadOk = spread <= p.maxP90OverMedianPct;
  const summary = `${st.rate.toFixed(1)} % of the last ${st.counted} jobs succeeded (need ${p.minSuccessPct} %); execution p90 is ${spread.toFixed(0)} % above the median (limit ${p.maxP90OverMedianPct} %).`;
  return { state: rateOk && spreadOk ? "pass" : "fail", summary, evidence: failEv };
};

const quietPeriod: Evaluator<{ signature: string | null; days: number }> = (f, p, now) => {
  const need = p.days * DAY;
  const what = p.signature ? `${p.signature} restart` : "worker restart";
  const relevant = f.restarts.filter((r) => matches(r.signature, p.signature) && r.at <= now).sort((a, b) => b.at.getTime() - a.at.getTime());
  const last = relevant[0];
  const quietSince = last && last.at > f.watchedSince ? last.at : f.watchedSince;
  const endsAt = new Date(quietSince.getTime() + need);
  if (endsAt <= now) {
    return {
      state: "pass",
      summary: `No ${what} for ${formatDuration(now.getTime() - quietSince.getTime())} (needed ${p.days} d).`,
      evidence: last ? [{ kind: "worker_event", id: last.id, endpointId: f.endpointId, at: iso(last.at), label: `last ${what} (worker ${last.workerId})` }] : [],
      since: endsAt,
      countdownEndsAt: endsAt,
    };
  }
  const remaining = endsAt.getTime() - now.getTime();
  return {
    state: "pending",
    summary: `Passes in ${formatDuration(remaining)} if no ${what} happens.`,
    evidence: last ? [{ kind: "worker_event", id: last.id, endpointId: f.endpointId, at: iso(last.at), label: `${what} on worker ${last.workerId}` }] : [],
    countdownEndsAt: endsAt,
    resetReason: last && last.at > f.watchedSince ? `countdown restarted by a ${what} of worker ${last.workerId} at ${iso(last.at)}` : undefined,
  };
};

const productionReady: Evaluator<{ days: number; minSuccessPct: number; maxIncidentOpenMinutes: number }> = (f, p, now) => {
  const from = new Date(now.getTime() - p.days * DAY);
  const maxOpen = p.maxIncidentOpenMinutes * 60_000;
  const long = f.incidents.filter((i) => {
    const end = i.resolvedAt ?? now;
    return end >= from && end.getTime() - i.openedAt.getTime() > maxOpen;
  });
  const incidentEv = long.slice(0, 5).map<Evidence>((i) => ({ kind: "incident", id: i.id, endpointId: f.endpointId, at: iso(i.openedAt), label: `${i.title} (open ${formatDuration((i.resolvedAt ?? now).getTime() - i.openedAt.getTime())})` }));
  if (long.length > 0) {
    return { state: "fail", summary: `${long.length} incident(s) stayed open longer than ${p.maxIncidentOpenMinutes} min in the last ${p.days} d.`, evidence: incidentEv };
  }
  const jobs = f.jobs.filter((j) => j.finishedAt >= from);
  const st = successStats(jobs);
  if (st.counted > 0 && st.rate < p.minSuccessPct) {
    return {
      state: "fail",
      summary: `${st.rate.toFixed(2)} % of ${st.counted} jobs succeeded in the last ${p.days} d (need ${p.minSuccessPct} %).`,
      evidence: st.failed.slice(0, 5).map((j) => ({ kind: "job" as const, id: j.id, endpointId: f.endpointId, at: iso(j.finishedAt), label: `job ${j.status}` })),
    };
  }
  const endsAt = new Date(f.watchedSince.getTime() + p.days * DAY);
  if (endsAt > now) {
    return {
      state: "pending",
      summary: `${st.counted ? `${st.rate.toFixed(2)} % success so far; ` : ""}needs ${p.days} d of history, passes in ${formatDuration(endsAt.getTime() - now.getTime())} if it holds.`,
      evidence: [],
      countdownEndsAt: endsAt,
    };
  }
  if (st.counted === 0) return { state: "unknown", summary: `No finished job in the last ${p.days} d.`, evidence: [] };
  return { state: "pass", summary: `${st.rate.toFixed(2)} % of ${st.counted} jobs succeeded in the last ${p.days} d and no incident stayed open past ${p.maxIncidentOpenMinutes} min.`, evidence: [] };
};

const attestation: Evaluator<{ what: string }> = (f) => {
  const latest = [...f.attestations].sort((a, b) => b.at.getTime() - a.at.getTime())[0];
  if (!latest) return { state: "pending", summary: "Awaiting an attestation.", evidence: [] };
  return {
    state: "pass",
    summary: `Attested by ${latest.by} on ${iso(latest.at).slice(0, 10)}${latest.link ? ` (${latest.link})` : ""}.`,
    evidence: [
      {
        kind: "attestation",
        id: latest.id,
        at: iso(latest.at),
        label: `${latest.by}${latest.link ? `: ${latest.link}` : ""}`,
        ...(latest.link && /^https?:\/\//i.test(latest.link) ? { href: latest.link } : {}),
      },
    ],
    since: latest.at,
  };
};

const smokeBeforeTraffic: Evaluator<Record<string, never>> = (f) => {
  const withTraffic = f.images.filter((i) => i.firstSweepTrafficAt !== null);
  if (withTraffic.length === 0) return { state: "unknown", summary: `No image on ${f.endpointName} has taken sweep traffic yet.`, evidence: [] };
  const violations = withTraffic.filter((img) => !f.smokeRuns.some((r) => r.image === img.image && r.ok === true && r.finishedAt !== null && r.finishedAt <= img.firstSweepTrafficAt!));
  if (violations.length > 0) {
    return {
      state: "fail",
      summary: `${violations.length} image(s) took sweep traffic before passing the smoke job: ${violations.map((v) => v.image).join(", ")}.`,
      evidence: violations.slice(0, 5).map((v) => ({ kind: "endpoint" as const, id: f.endpointId, endpointId: f.endpointId, at: iso(v.firstSweepTrafficAt!), label: `${v.image} took traffic at ${iso(v.firstSweepTrafficAt!)}` })),
    };
  }
  return { state: "pass", summary: `All ${withTraffic.length} image(s) passed the smoke job before taking sweep traffic.`, evidence: [] };
};

const EVALUATORS: { [K in RuleName]: Evaluator<z.output<(typeof RuleParamSchemas)[K]>> } = {
  no_crash_since_rollout: noCrashSinceRollout,
  health_responds: healthResponds,
  smoke_job_passed: smokeJobPassed,
  sweep_completed: sweepCompleted,
  job_success_rate: jobSuccessRate,
  quiet_period: quietPeriod,
  production_ready: productionReady,
  attestation,
  smoke_before_traffic: smokeBeforeTraffic,
};

/** Evaluates one rule for one endpoint's facts. */
export function evaluateRule(rule: RuleName, params: Record<string, unknown>, facts: EndpointFacts, now: Date): RuleResult {
  const parsed = RuleParamSchemas[rule].parse(params);
  return (EVALUATORS[rule] as Evaluator<typeof parsed>)(facts, parsed, now);
}

const STATE_ORDER: CriterionState[] = ["fail", "pending", "pass", "unknown"];

/**
 * A criterion scoped to all endpoints: fails if any endpoint fails, pending if any is pending,
 * passes if every endpoint with data passes, unknown when no endpoint has data.
 */
export function combineResults(results: { endpointName: string; result: RuleResult }[]): RuleResult {
  if (results.length === 0) return { state: "unknown", summary: "No endpoint is watched yet.", evidence: [] };
  if (results.length === 1) return results[0].result;
  const worst = STATE_ORDER.find((s) => results.some((r) => r.result.state === s)) ?? "unknown";
  const chosen = results.filter((r) => r.result.state === worst);
  const countdowns = chosen.map((r) => r.result.countdownEndsAt).filter((d): d is Date => !!d);
  return {
    state: worst,
    summary: chosen.map((r) => `${r.endpointName}: ${r.result.summary}`).join(" "),
    evidence: chosen.flatMap((r) => r.result.evidence).slice(0, 10),
    countdownEndsAt: countdowns.length ? new Date(Math.max(...countdowns.map((d) => d.getTime()))) : undefined,
    resetReason: chosen.map((r) => r.result.resetReason).find(Boolean),
    since: worst === "pass" ? new Date(Math.max(...chosen.map((r) => r.result.since?.getTime() ?? 0))) : undefined,
  };
}

export interface CriterionSeed {
  key: string;
  horizon: Horizon;
  title: string;
  description: string;
  rule: RuleName;
  params: Record<string, unknown>;
  position: number;
}

/** The criteria of the team's own status report, seeded into every new installation. */
export const DEFAULT_CRITERIA: CriterionSeed[] = [
  { key: "container-starts-without-random-device-crash", horizon: "immediate", title: "Container starts without random device crash", rule: "no_crash_since_rollout", params: { signature: "random_device" }, position: 1 },
  { key: "health-check-responds", horizon: "immediate", title: "Health check endpoint responds successfully", rule: "health_responds", params: { lastPolls: 3 }, position: 2 },
  { key: "basic-tensorflow-operations", horizon: "immediate", title: "Basic TensorFlow operations complete without error", rule: "smoke_job_passed", params: {}, position: 3 },
  { key: "full-hpo-workflow", horizon: "short_term", title: "Full hyperparameter optimization workflow executes", rule: "sweep_completed", params: {}, position: 1 },
  { key: "stable-performance", horizon: "short_term", title: "Stable performance over multiple job runs", rule: "job_success_rate", params: { lastJobs: 50, minSuccessPct: 95, maxP90OverMedianPct: 50 }, position: 2 },
  { key: "no-random-device-restarts-7d", horizon: "short_term", title: "No worker restarts due to random device issues (7 days)", rule: "quiet_period", params: { signature: "random_device", days: 7 }, position: 3 },
  { key: "production-ready", horizon: "long_term", title: "Production-ready serverless deployment", rule: "production_ready", params: { days: 30, minSuccessPct: 99, maxIncidentOpenMinutes: 60 }, position: 1 },
  { key: "documentation", horizon: "long_term", title: "Comprehensive documentation of the working solution", rule: "attestation", params: { what: "documentation of the working solution" }, position: 2 },
  { key: "regression-prevention", horizon: "long_term", title: "Prevention of future regressions", rule: "smoke_before_traffic", params: {}, position: 3 },
].map((c) => ({ ...c, description: RULE_DESCRIPTIONS[c.rule as RuleName] })) as CriterionSeed[];
