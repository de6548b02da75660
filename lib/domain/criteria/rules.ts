import { z } from "zod";
import { isActiveSweepState } from "@/lib/domain/sweep/states";
import { formatDurationMs } from "@/lib/format/time";

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
  /** "unknown": the evidence that would decide it and is missing (also appended to the summary). */
  missing?: string;
  /** The endpoint has no activity of the kind the rule judges (no sweep, no image with traffic): left out of an all-endpoints roll-up. */
  notApplicable?: boolean;
}

/**
 * One deployment as RunPod defines it: the endpoint config version a worker runs (`version` of the
 * v2 workers API, which changes with image, env, start command or template) where given, else the
 * image. A re-pushed tag under a new config version is a new deployment; the same tag text is not.
 */
export interface DeploymentFact {
  key: string;
  label: string;
  firstSeenAt: Date;
  firstSweepTrafficAt: Date | null;
}

export interface EndpointFacts {
  endpointId: string;
  endpointName: string;
  /** When sweepwatch started watching this endpoint. */
  watchedSince: Date;
  /** The deployment the newest worker runs (DeploymentFact.key), with its label and rollout time. */
  deployment: { key: string; label: string; since: Date } | null;
  deployments: DeploymentFact[];
  /** Last time a worker on the current deployment became ready (idle or running), since its rollout. */
  workerReadyAt: Date | null;
  workerReadyEventId?: string | null;
  /** kind "log_line": found in a stored log line (no crash event recorded for it). */
  crashes: { id: string; at: Date; signature: string | null; deployment: string | null; workerId: string | null; line?: string; kind?: "crash" | "log_line" }[];
  restarts: { id: string; at: Date; workerId: string; signature: string | null }[];
  /** Most recent first. ok = the /health call answered; counts are null where /health did not give them. */
  healthPolls: { id: string; at: Date; ok: boolean; readyWorkers: number | null; unhealthyWorkers?: number | null; totalWorkers?: number | null }[];
  smokeRuns: { id: string; jobId: string | null; deployment: string | null; ok: boolean | null; status: string; submittedAt: Date; finishedAt: Date | null; error?: string | null }[];
  /** Whether the user opted this endpoint in to smoke jobs (nothing is ever sent otherwise). */
  smokeOptIn?: boolean;
  sweeps: {
    id: string;
    name: string;
    state: string;
    completedAt: Date | null;
    total: number;
    completed: number;
    /** Failed or expired trials whose params never completed in a later attempt. */
    failedUnretried: number;
    cancelled: number;
    targetReached: boolean;
  }[];
  /** Terminal jobs (COMPLETED, FAILED, TIMED_OUT, CANCELLED, EXPIRED), most recent first. startedAt null = never taken by a worker. */
  jobs: { id: string; status: string; executionTimeMs: number | null; finishedAt: Date; startedAt?: Date | null }[];
  incidents: { id: string; title: string; openedAt: Date; resolvedAt: Date | null }[];
  attestations: { id: string; by: string; at: Date; link: string | null }[];
  /** UTC days (YYYY-MM-DD) of the last 31 with a completed job or a health poll showing a working worker. */
  activeDays?: string[];
}

const DAY = 86_400_000;
const MIN = 60_000;

export const RuleParamSchemas = {
  no_crash_since_rollout: z.object({ signature: z.string().min(1).default("random_device") }),
  health_responds: z.object({
    lastPolls: z.number().int().min(1).max(100).default(3),
    /** The newest poll must be younger than this to count as "now". */
    maxAgeMinutes: z.number().positive().max(1440).default(5),
  }),
  smoke_job_passed: z.object({
    everyMinutes: z.number().int().min(1).max(10_080).default(60),
    /** The latest smoke success must be younger than this; older is "unknown". */
    maxAgeMinutes: z.number().int().min(1).max(43_200).default(1440),
  }),
  sweep_completed: z.object({}),
  job_success_rate: z.object({
    lastJobs: z.number().int().min(1).max(10_000).default(50),
    minJobs: z.number().int().min(1).max(10_000).default(10),
    minSuccessPct: z.number().min(0).max(100).default(95),
    maxP90OverMedianPct: z.number().min(0).max(10_000).default(50),
    /** Jobs that ended longer ago than this do not count. */
    maxAgeDays: z.number().positive().max(31).default(7),
  }),
  quiet_period: z.object({
    signature: z.string().min(1).nullable().default(null),
    days: z.number().positive().max(31).default(7),
    /** Share of the days on which workers must have worked: a quiet period without work proves nothing. */
    minActiveDaysPct: z.number().min(0).max(100).default(50),
  }),
  production_ready: z.object({
    days: z.number().positive().max(31).default(30),
    minSuccessPct: z.number().min(0).max(100).default(99),
    maxIncidentOpenMinutes: z.number().positive().default(60),
    /** Incidents opened within the period. */
    maxIncidents: z.number().int().min(0).max(1000).default(3),
    /** Mean time to recover of the period's resolved incidents. */
    maxMeanRecoverMinutes: z.number().positive().default(30),
  }),
  attestation: z.object({ what: z.string().default(""), maxAgeDays: z.number().int().min(0).max(3650).default(0) }),
  smoke_before_traffic: z.object({}),
} as const;

export type RuleName = keyof typeof RuleParamSchemas;
export const RULE_NAMES = Object.keys(RuleParamSchemas) as RuleName[];

export const RULE_DESCRIPTIONS: Record<RuleName, string> = {
  no_crash_since_rollout: "No worker crash with the given signature since the current deployment (endpoint version, else image) rolled out, and a worker on that deployment became ready.",
  health_responds: "/health answered on the last N polls, the newest within M minutes, and it shows ready workers now.",
  smoke_job_passed: "The latest smoke job (opt-in per endpoint: the user's input and expected output) on the current deployment passed, within the last M minutes.",
  sweep_completed: "A sweep completed: every trial finished, failed trials were retried to success, pending trials were cancelled only after the target was reached.",
  job_success_rate: "Of the last N jobs (within D days) at least X % were served (EXPIRED and CANCELLED-while-queued count as not served), and execution-time p90 within Y % of the median.",
  quiet_period: "No worker restart (for the given crash signature, or any) for D days while workers were actually working.",
  production_ready: "Over the last D days: jobs served at least X %, at most K incidents, none open longer than M minutes, mean time to recover at most R minutes.",
  attestation: "A person attests it (who, when, a link), for things no data can show.",
  smoke_before_traffic: "Every new deployment passed the smoke job before it took sweep traffic.",
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

const iso = (d: Date) => d.toISOString();

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

function matches(signature: string | null, wanted: string | null): boolean {
  return wanted === null || signature === wanted;
}

function unknown(summary: string, missing: string, evidence: Evidence[] = [], extra: Partial<RuleResult> = {}): RuleResult {
  return { state: "unknown", summary: `${summary} Missing: ${missing}.`, missing, evidence, ...extra };
}

/** Newest evidence time of a result, for "evidence age" (null when no evidence carries a time). */
export function evidenceAt(r: Pick<RuleResult, "evidence">): Date | null {
  const t = r.evidence.map((e) => (e.at ? Date.parse(e.at) : NaN)).filter((x) => !Number.isNaN(x));
  return t.length ? new Date(Math.max(...t)) : null;
}

type Evaluator<P> = (f: EndpointFacts, params: P, now: Date) => RuleResult;

const noCrashSinceRollout: Evaluator<{ signature: string }> = (f, p) => {
  const d = f.deployment;
  if (!d) return unknown(`No worker has been seen on ${f.endpointName} yet.`, "a worker, to know the current deployment");
  const crashes = f.crashes
    .filter((c) => c.signature === p.signature && c.at >= d.since && (c.deployment === null || c.deployment === d.key))
    .sort((a, b) => b.at.getTime() - a.at.getTime());
  if (crashes.length > 0) {
    return {
      state: "fail",
      summary: `${crashes.length} ${p.signature} crash(es) on ${f.endpointName} since deployment ${d.label} rolled out; latest ${iso(crashes[0].at)}.`,
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
  if (!f.workerReadyAt || f.workerReadyAt < d.since) {
    return unknown(`No ${p.signature} crash since ${d.label} rolled out (${iso(d.since)}), but that proves nothing yet.`, `a worker on ${d.label} that became ready`, [
      { kind: "endpoint", id: f.endpointId, endpointId: f.endpointId, at: iso(d.since), label: `deployment ${d.label} since ${iso(d.since)}` },
    ]);
  }
  return {
    state: "pass",
    summary: `A worker on ${d.label} became ready at ${iso(f.workerReadyAt)} and no ${p.signature} crash was seen since the rollout.`,
    evidence: [
      f.workerReadyEventId
        ? { kind: "worker_event", id: f.workerReadyEventId, endpointId: f.endpointId, at: iso(f.workerReadyAt), label: `worker on ${d.label} became ready` }
        : { kind: "endpoint", id: f.endpointId, endpointId: f.endpointId, at: iso(f.workerReadyAt), label: `deployment ${d.label}` },
    ],
    since: f.workerReadyAt,
  };
};

const healthResponds: Evaluator<{ lastPolls: number; maxAgeMinutes: number }> = (f, p, now) => {
  const polls = f.healthPolls.slice(0, p.lastPolls);
  const ev = (x: EndpointFacts["healthPolls"][number]): Evidence => ({
    kind: "health_snapshot",
    id: x.id,
    endpointId: f.endpointId,
    at: iso(x.at),
    label: x.ok ? `answered, ${x.readyWorkers ?? "?"} ready, ${x.unhealthyWorkers ?? "?"} unhealthy worker(s)` : "no answer",
  });
  if (polls.length === 0) return unknown(`No /health poll of ${f.endpointName} recorded.`, "a /health poll");
  const failed = polls.filter((x) => !x.ok);
  if (failed.length > 0) return { state: "fail", summary: `/health failed ${failed.length} of the last ${polls.length} polls.`, evidence: failed.slice(0, 5).map(ev) };
  const newest = polls[0];
  const age = now.getTime() - newest.at.getTime();
  if (age > p.maxAgeMinutes * MIN) {
    return unknown(`The newest /health poll is ${formatDurationMs(age)} old (limit ${p.maxAgeMinutes} min): no data since ${iso(newest.at)}.`, "a current /health poll", polls.map(ev));
  }
  if (polls.length < p.lastPolls) return unknown(`/health answered ${polls.length} of the ${p.lastPolls} polls needed.`, `${p.lastPolls - polls.length} more poll(s)`, polls.map(ev));
  if (newest.readyWorkers === null) return unknown("/health answered but did not report worker counts.", "ready-worker counts", polls.map(ev));
  if (newest.readyWorkers > 0) {
    return { state: "pass", summary: `/health answered the last ${polls.length} polls and shows ${newest.readyWorkers} ready worker(s) now.`, evidence: polls.map(ev), since: newest.at };
  }
  if ((newest.unhealthyWorkers ?? 0) > 0) {
    return { state: "fail", summary: `/health answers but shows 0 ready and ${newest.unhealthyWorkers} unhealthy worker(s) now.`, evidence: polls.map(ev) };
  }
  return unknown(`/health answers but no worker is ready now (${newest.totalWorkers === 0 ? "scaled to zero" : "workers starting or busy elsewhere"}).`, "a ready worker", polls.map(ev));
};

const smokeJobPassed: Evaluator<{ everyMinutes: number; maxAgeMinutes: number }> = (f, p, now) => {
  if (f.smokeOptIn === false) return unknown(`${f.endpointName} is not opted in to smoke jobs, so none is ever sent.`, "a smoke opt-in (input and expected output) for this endpoint", [], { notApplicable: true });
  const d = f.deployment;
  if (!d) return unknown(`The current deployment of ${f.endpointName} is not known yet.`, "a worker, to know the current deployment");
  const runs = f.smokeRuns.filter((r) => r.deployment === d.key).sort((a, b) => b.submittedAt.getTime() - a.submittedAt.getTime());
  const ev = (r: EndpointFacts["smokeRuns"][number]): Evidence => ({
    kind: r.jobId ? "job" : "smoke_run",
    id: r.jobId ?? r.id,
    endpointId: f.endpointId,
    at: iso(r.finishedAt ?? r.submittedAt),
    label: `smoke job ${r.status.toLowerCase()}${r.ok === false && r.error ? `: ${r.error.slice(0, 120)}` : ""}`,
  });
  const latest = runs.find((r) => r.ok !== null);
  if (!latest) {
    const flying = runs[0];
    return unknown(`No finished smoke job on ${d.label}${flying ? `; one is ${flying.status.toLowerCase()}` : ""}.`, `a finished smoke job on ${d.label}`, flying ? [ev(flying)] : []);
  }
  if (latest.ok === false) return { state: "fail", summary: `The latest smoke job on ${d.label} ended ${latest.status}${latest.error ? ` (${latest.error.slice(0, 160)})` : ""}.`, evidence: [ev(latest)] };
  const at = latest.finishedAt ?? latest.submittedAt;
  const age = now.getTime() - at.getTime();
  if (age > p.maxAgeMinutes * MIN) return unknown(`The latest smoke job on ${d.label} passed ${formatDurationMs(age)} ago, older than ${p.maxAgeMinutes} min.`, "a recent smoke job", [ev(latest)]);
  return { state: "pass", summary: `The latest smoke job on ${d.label} passed its output check ${formatDurationMs(age)} ago.`, evidence: [ev(latest)], since: at };
};

const sweepCompleted: Evaluator<Record<string, never>> = (f) => {
  const ev = (s: EndpointFacts["sweeps"][number]): Evidence => ({
    kind: "sweep",
    id: s.id,
    endpointId: f.endpointId,
    at: s.completedAt ? iso(s.completedAt) : undefined,
    label: `${s.name}: ${s.state}, ${s.completed}/${s.total} completed${s.failedUnretried ? `, ${s.failedUnretried} failed without retry` : ""}${s.cancelled ? `, ${s.cancelled} cancelled` : ""}`,
  });
  const why = (s: EndpointFacts["sweeps"][number]): string | null => {
    if (s.state !== "completed") return `ended ${s.state}`;
    if (s.completed === 0) return "no trial completed";
    if (s.failedUnretried > 0) return `${s.failedUnretried} failed trial(s) never completed in a retry`;
    if (s.cancelled > 0 && !s.targetReached) return `${s.cancelled} trial(s) cancelled before the target was reached`;
    return null;
  };
  const finished = f.sweeps.filter((s) => !isActiveSweepState(s.state));
  const good = finished.filter((s) => why(s) === null).sort((a, b) => (b.completedAt?.getTime() ?? 0) - (a.completedAt?.getTime() ?? 0));
  if (good.length > 0) {
    const s = good[0];
    return { state: "pass", summary: `Sweep "${s.name}" completed: ${s.completed} trial(s) completed${s.cancelled ? `, ${s.cancelled} pending trial(s) cancelled after the target was reached` : ""}.`, evidence: [ev(s)], since: s.completedAt ?? undefined };
  }
  if (f.sweeps.length === 0) return unknown(`No sweep has run on ${f.endpointName}.`, "a finished sweep", [], { notApplicable: true });
  if (finished.length === 0) return unknown(`${f.sweeps.length} sweep(s) still running.`, "a finished sweep", f.sweeps.slice(0, 5).map(ev));
  return { state: "fail", summary: `No sweep completed the workflow: ${finished.slice(0, 3).map((s) => `"${s.name}" ${why(s)}`).join("; ")}.`, evidence: finished.slice(0, 5).map(ev) };
};

/**
 * Served = COMPLETED. CANCELLED after a worker took the job is the user's decision and left out;
 * CANCELLED while queued, EXPIRED (TTL passed or purged) and FAILED / TIMED_OUT count as not served,
 * so purging a stuck queue never improves the rate.
 */
export function servedStats(jobs: EndpointFacts["jobs"]) {
  const counted = jobs.filter((j) => !(j.status === "CANCELLED" && j.startedAt));
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

const jobEv = (f: EndpointFacts, j: EndpointFacts["jobs"][number]): Evidence => ({
  kind: "job",
  id: j.id,
  endpointId: f.endpointId,
  at: iso(j.finishedAt),
  label: `job ${j.status}${j.status === "CANCELLED" && !j.startedAt ? " while queued" : ""}`,
});

const jobSuccessRate: Evaluator<{ lastJobs: number; minJobs: number; minSuccessPct: number; maxP90OverMedianPct: number; maxAgeDays: number }> = (f, p, now) => {
  const from = now.getTime() - p.maxAgeDays * DAY;
  const jobs = f.jobs.filter((j) => j.finishedAt.getTime() >= from).slice(0, p.lastJobs);
  const st = servedStats(jobs);
  if (st.counted < p.minJobs) {
    return unknown(`${st.counted} finished job(s) in the last ${p.maxAgeDays} d; ${p.minJobs} needed to judge.`, `${p.minJobs - st.counted} more finished job(s)`, st.failed.slice(0, 5).map((j) => jobEv(f, j)));
  }
  const rateOk = st.rate >= p.minSuccessPct;
  const spread = Number.isFinite(st.median) && st.median > 0 ? ((st.p90 - st.median) / st.median) * 100 : 0;
  const spreadOk = spread <= p.maxP90OverMedianPct;
  const summary = `${st.rate.toFixed(1)} % of the last ${st.counted} jobs were served (need ${p.minSuccessPct} %); execution p90 is ${spread.toFixed(0)} % above the median (limit ${p.maxP90OverMedianPct} %).`;
  const evidence = rateOk && spreadOk ? [jobEv(f, jobs[0])] : st.failed.slice(0, 5).map((j) => jobEv(f, j));
  return { state: rateOk && spreadOk ? "pass" : "fail", summary, evidence: evidence.length ? evidence : [jobEv(f, jobs[0])] };
};

const utcDay = (t: number) => new Date(t).toISOString().slice(0, 10);

const quietPeriod: Evaluator<{ signature: string | null; days: number; minActiveDaysPct: number }> = (f, p, now) => {
  const need = p.days * DAY;
  const what = p.signature ? `${p.signature} restart` : "worker restart";
  const relevant = f.restarts.filter((r) => matches(r.signature, p.signature) && r.at <= now).sort((a, b) => b.at.getTime() - a.at.getTime());
  const last = relevant[0];
  const lastEv: Evidence[] = last ? [{ kind: "worker_event", id: last.id, endpointId: f.endpointId, at: iso(last.at), label: `last ${what} (worker ${last.workerId})` }] : [];
  if (last && now.getTime() - last.at.getTime() < need && last.at >= f.watchedSince) {
    const endsAt = new Date(last.at.getTime() + need);
    return {
      state: "fail",
      summary: `A ${what} of worker ${last.workerId} at ${iso(last.at)}; passes in ${formatDurationMs(endsAt.getTime() - now.getTime())} if none follows and workers keep working.`,
      evidence: lastEv,
      countdownEndsAt: endsAt,
      resetReason: `countdown restarted by a ${what} of worker ${last.workerId} at ${iso(last.at)}`,
    };
  }
  const quietSince = last && last.at > f.watchedSince ? last.at : f.watchedSince;
  const endsAt = new Date(quietSince.getTime() + need);
  if (endsAt > now) {
    return { state: "pending", summary: `Watched for ${formatDurationMs(now.getTime() - quietSince.getTime())} of the ${p.days} d needed; passes in ${formatDurationMs(endsAt.getTime() - now.getTime())} if no ${what} happens.`, evidence: lastEv, countdownEndsAt: endsAt };
  }
  const from = now.getTime() - need;
  const days = new Set((f.activeDays ?? []).filter((d) => d >= utcDay(from) && d <= utcDay(now.getTime())));
  const needDays = Math.max(1, Math.ceil((Math.ceil(p.days) * p.minActiveDaysPct) / 100));
  const activeToday = days.has(utcDay(now.getTime())) || days.has(utcDay(now.getTime() - DAY));
  if (days.size < needDays || !activeToday) {
    return unknown(`No ${what} for ${formatDurationMs(now.getTime() - quietSince.getTime())}, but workers worked on only ${days.size} of the last ${p.days} d${activeToday ? "" : " and not in the last day"}: silence is not stability.`, `worker activity on at least ${needDays} day(s), including the last day`, lastEv);
  }
  return {
    state: "pass",
    summary: `No ${what} for ${formatDurationMs(now.getTime() - quietSince.getTime())} (needed ${p.days} d) while workers worked on ${days.size} day(s).`,
    evidence: [...lastEv, { kind: "endpoint", id: f.endpointId, endpointId: f.endpointId, at: iso(now), label: `workers active on ${days.size} of ${p.days} day(s)` }],
    since: endsAt,
    countdownEndsAt: endsAt,
  };
};

const productionReady: Evaluator<{ days: number; minSuccessPct: number; maxIncidentOpenMinutes: number; maxIncidents: number; maxMeanRecoverMinutes: number }> = (f, p, now) => {
  const from = new Date(now.getTime() - p.days * DAY);
  const maxOpen = p.maxIncidentOpenMinutes * MIN;
  const inPeriod = f.incidents.filter((i) => (i.resolvedAt ?? now) >= from);
  const opened = inPeriod.filter((i) => i.openedAt >= from);
  const incEv = (i: EndpointFacts["incidents"][number]): Evidence => ({ kind: "incident", id: i.id, endpointId: f.endpointId, at: iso(i.openedAt), label: `${i.title} (open ${formatDurationMs((i.resolvedAt ?? now).getTime() - i.openedAt.getTime())}${i.resolvedAt ? "" : ", still open"})` });
  const long = inPeriod.filter((i) => (i.resolvedAt ?? now).getTime() - i.openedAt.getTime() > maxOpen);
  const resolved = opened.filter((i) => i.resolvedAt);
  const mttr = resolved.length ? resolved.reduce((s, i) => s + (i.resolvedAt!.getTime() - i.openedAt.getTime()), 0) / resolved.length : 0;
  const problems: string[] = [];
  if (long.length) problems.push(`${long.length} incident(s) open longer than ${p.maxIncidentOpenMinutes} min`);
  if (opened.length > p.maxIncidents) problems.push(`${opened.length} incidents opened (at most ${p.maxIncidents})`);
  if (resolved.length && mttr > p.maxMeanRecoverMinutes * MIN) problems.push(`mean time to recover ${formatDurationMs(mttr)} (at most ${p.maxMeanRecoverMinutes} min)`);
  const st = servedStats(f.jobs.filter((j) => j.finishedAt >= from));
  if (st.counted > 0 && st.rate < p.minSuccessPct) problems.push(`${st.rate.toFixed(2)} % of ${st.counted} jobs served (need ${p.minSuccessPct} %)`);
  if (problems.length) {
    return {
      state: "fail",
      summary: `In the last ${p.days} d: ${problems.join("; ")}.`,
      evidence: [...(long.length ? long : opened).slice(0, 5).map(incEv), ...st.failed.slice(0, 5).map((j) => jobEv(f, j))].slice(0, 10),
    };
  }
  const endsAt = new Date(f.watchedSince.getTime() + p.days * DAY);
  if (endsAt > now) {
    return { state: "pending", summary: `${st.counted ? `${st.rate.toFixed(2)} % served so far; ` : ""}needs ${p.days} d of history, passes in ${formatDurationMs(endsAt.getTime() - now.getTime())} if it holds.`, evidence: [], countdownEndsAt: endsAt };
  }
  if (st.counted === 0) return unknown(`No finished job in the last ${p.days} d.`, "jobs served in the period");
  return {
    state: "pass",
    summary: `${st.rate.toFixed(2)} % of ${st.counted} jobs served in the last ${p.days} d; ${opened.length} incident(s)${resolved.length ? `, mean time to recover ${formatDurationMs(mttr)}` : ""}, none open past ${p.maxIncidentOpenMinutes} min.`,
    evidence: [jobEv(f, f.jobs[0]), ...opened.slice(0, 4).map(incEv)],
  };
};

const attestation: Evaluator<{ what: string; maxAgeDays: number }> = (f, p, now) => {
  const latest = [...f.attestations].sort((a, b) => b.at.getTime() - a.at.getTime())[0];
  if (!latest) return unknown("Nobody has attested it.", `a person's attestation${p.what ? ` of ${p.what}` : ""}`);
  const evidence: Evidence[] = [
    {
      kind: "attestation",
      id: latest.id,
      at: iso(latest.at),
      label: `${latest.by}${latest.link ? `: ${latest.link}` : ""}`,
      ...(latest.link && /^https?:\/\//i.test(latest.link) ? { href: latest.link } : {}),
    },
  ];
  if (p.maxAgeDays > 0 && now.getTime() - latest.at.getTime() > p.maxAgeDays * DAY) {
    return unknown(`Attested by ${latest.by} on ${iso(latest.at).slice(0, 10)}, longer ago than ${p.maxAgeDays} d.`, "a fresh attestation", evidence);
  }
  return { state: "pass", summary: `Attested by ${latest.by} on ${iso(latest.at).slice(0, 10)}${latest.link ? ` (${latest.link})` : ""}.`, evidence, since: latest.at };
};

const smokeBeforeTraffic: Evaluator<Record<string, never>> = (f) => {
  const withTraffic = f.deployments.filter((i) => i.firstSweepTrafficAt !== null);
  if (withTraffic.length === 0) return unknown(`No deployment of ${f.endpointName} has taken sweep traffic yet.`, "a deployment that took sweep traffic", [], { notApplicable: true });
  const passedBefore = (d: DeploymentFact) => f.smokeRuns.find((r) => r.deployment === d.key && r.ok === true && r.finishedAt !== null && r.finishedAt <= d.firstSweepTrafficAt!);
  const violations = withTraffic.filter((d) => !passedBefore(d));
  if (violations.length > 0) {
    return {
      state: "fail",
      summary: `${violations.length} deployment(s) took sweep traffic before passing the smoke job: ${violations.map((v) => v.label).join(", ")}.`,
      evidence: violations.slice(0, 5).map((v) => ({ kind: "endpoint" as const, id: f.endpointId, endpointId: f.endpointId, at: iso(v.firstSweepTrafficAt!), label: `${v.label} took traffic at ${iso(v.firstSweepTrafficAt!)}` })),
    };
  }
  return {
    state: "pass",
    summary: `All ${withTraffic.length} deployment(s) passed the smoke job before taking sweep traffic.`,
    evidence: withTraffic.slice(0, 5).map((d) => {
      const r = passedBefore(d)!;
      return { kind: r.jobId ? ("job" as const) : ("smoke_run" as const), id: r.jobId ?? r.id, endpointId: f.endpointId, at: iso(r.finishedAt!), label: `smoke passed on ${d.label} before traffic` };
    }),
  };
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

const STATE_ORDER: CriterionState[] = ["fail", "pending", "unknown", "pass"];

/**
 * A criterion scoped to all endpoints, rolled up from the per-endpoint results: endpoints where the rule
 * does not apply (notApplicable: no sweep, no opt-in, no traffic) are left out; of the rest the worst
 * state wins in the order fail > pending > unknown > pass, so "pass" needs every applicable endpoint to
 * pass on its own evidence. Nothing applicable → unknown.
 */
export function combineResults(results: { endpointName: string; result: RuleResult }[]): RuleResult {
  if (results.length === 0) return unknown("No endpoint is watched yet.", "a watched endpoint");
  const applicable = results.filter((r) => !r.result.notApplicable);
  if (applicable.length === 0) {
    if (results.length === 1) return results[0].result;
    return unknown(`Applies to none of the ${results.length} endpoints yet.`, results.map((r) => r.result.missing).filter(Boolean)[0] ?? "data", [], { notApplicable: true });
  }
  if (applicable.length === 1) return applicable[0].result;
  const worst = STATE_ORDER.find((s) => applicable.some((r) => r.result.state === s)) ?? "unknown";
  const chosen = applicable.filter((r) => r.result.state === worst);
  const countdowns = chosen.map((r) => r.result.countdownEndsAt).filter((d): d is Date => !!d);
  return {
    state: worst,
    summary: chosen.map((r) => `${r.endpointName}: ${r.result.summary}`).join(" "),
    evidence: chosen.flatMap((r) => r.result.evidence).slice(0, 10),
    countdownEndsAt: countdowns.length ? new Date(Math.max(...countdowns.map((d) => d.getTime()))) : undefined,
    resetReason: chosen.map((r) => r.result.resetReason).find(Boolean),
    missing: worst === "unknown" ? chosen.map((r) => `${r.endpointName}: ${r.result.missing}`).join("; ") : undefined,
    since: worst === "pass" ? new Date(Math.max(...chosen.map((r) => r.result.since?.getTime() ?? 0))) : undefined,
  };
}

/** No Pass → Fail → Pass flip within this long: a fail that followed a pass holds at least this long. */
export const HYSTERESIS_MS = 20 * MIN;

/**
 * Hysteresis of the stored state: after a pass turned into a fail, a new "pass" within HYSTERESIS_MS
 * of that fail is held as "fail" (with the reason) so the page and notifications do not flap. Every
 * other change is taken at once (a fail is never delayed).
 */
export function applyHysteresis(prev: { state: CriterionState; since: Date; previousState: CriterionState | null } | null, next: RuleResult, now: Date, holdMs = HYSTERESIS_MS): RuleResult {
  if (!prev || next.state !== "pass" || prev.state !== "fail" || prev.previousState !== "pass") return next;
  const until = prev.since.getTime() + holdMs;
  if (now.getTime() >= until) return next;
  return { ...next, state: "fail", since: prev.since, summary: `Held as fail until ${new Date(until).toISOString()} (it failed at ${prev.since.toISOString()} after passing; no flip back within ${Math.round(holdMs / MIN)} min). Now: ${next.summary}` };
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
  { key: "production-ready", horizon: "long_term", title: "Production-ready serverless deployment", rule: "production_ready", params: { days: 30, minSuccessPct: 99, maxIncidentOpenMinutes: 60, maxIncidents: 3, maxMeanRecoverMinutes: 30 }, position: 1 },
  { key: "documentation", horizon: "long_term", title: "Comprehensive documentation of the working solution", rule: "attestation", params: { what: "documentation of the working solution" }, position: 2 },
  { key: "regression-prevention", horizon: "long_term", title: "Prevention of future regressions", rule: "smoke_before_traffic", params: {}, position: 3 },
].map((c) => ({ ...c, description: RULE_DESCRIPTIONS[c.rule as RuleName] })) as CriterionSeed[];
