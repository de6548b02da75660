import { z } from "zod";
import { SIGNATURES, signatureRank, UNKNOWN_LOOP, type SignatureId } from "./signatures";

/**
 * Why an IN_QUEUE job waits. Pure rules; the decision tree, first match wins:
 *
 * 0. no data: no /health, or the newest is older than `staleMs` → `queued` with "no data since …"
 *    (never a judgment the data cannot show).
 * 1. crash loop (findCrashLoops): a fingerprint with at least `minCrashes` crash events within
 *    `windowMs`, or a back-off chain of at least `minCrashes + 1` crashes each at most `maxBackoffGapMs`
 *    after the previous one (a loop restarting every 5 or 15 min stays a loop, as kubelet's
 *    CrashLoopBackOff does); the loop is alive while its newest crash is younger than
 *    max(windowMs, 2 × its last gap) (completions elsewhere do not end one worker's loop). random_device →
 *    `random_device_crash_loop` (the flag), else `crash_loop` naming the signature. Capacity-aware:
 *    when other workers take jobs (a completion after the loop started and idle/running workers now)
 *    the job is `queued` with "queued (one worker crash-looping)": the loop is still an incident.
 * 2. `no_capacity`: the endpoint has no workers at all (health total == 0).
 * 3. crash loop, cause unknown: the job has waited at least `suspectAfterMs`, no job completed within
 *    `windowMs`, and workers are unhealthy or one worker restarted at least `minRestarts` times →
 *    `crash_loop` without signature (cause "unknown"; it pages like any loop).
 * 4. `throttled`: throttled > 0 and running == 0.
 * 5. `cold_start`: workers are only initializing and the job is younger than `coldStartMaxMs`.
 * 6. `queued`: anything else.
 *
 * Every verdict carries the evidence it rests on (`evidence`, each with its time) and `evidenceAt`.
 */
export const CrashLoopRuleConfigSchema = z.object({
  windowMs: z.number().int().positive().default(10 * 60_000),
  minCrashes: z.number().int().min(2).default(2),
  minWorkers: z.number().int().min(1).default(1),
  suspectAfterMs: z.number().int().nonnegative().default(2 * 60_000),
  minRestarts: z.number().int().min(1).default(2),
  coldStartMaxMs: z.number().int().positive().default(5 * 60_000),
  /** Incidents auto-resolve after this long of positive evidence (workers ready, or jobs completing) without a crash of their fingerprint. */
  quietMs: z.number().int().positive().default(15 * 60_000),
  /** Longest gap between two crashes of one back-off chain (kubelet caps its back-off at 5 min; RunPod's is not documented). */
  maxBackoffGapMs: z.number().int().positive().default(30 * 60_000),
  /** Health older than this is no data ("no data since …"). */
  staleMs: z.number().int().positive().default(3 * 60_000),
});
export type CrashLoopRuleConfig = z.infer<typeof CrashLoopRuleConfigSchema>;
export const DEFAULT_CRASH_LOOP_RULE_CONFIG: CrashLoopRuleConfig = CrashLoopRuleConfigSchema.parse({});

/** Validates a partial config (e.g. from env or settings) and fills in defaults; throws a ZodError naming the bad field. */
export function parseCrashLoopRuleConfig(input: unknown): CrashLoopRuleConfig {
  return CrashLoopRuleConfigSchema.parse(input ?? {});
}

export type Instant = Date | string | number;

function ms(t: Instant): number {
  if (typeof t === "number") return t;
  if (typeof t === "string") return Date.parse(t);
  return t.getTime();
}

export const VERDICTS = ["random_device_crash_loop", "crash_loop", "no_capacity", "throttled", "cold_start", "queued"] as const;
export const VerdictSchema = z.enum(VERDICTS);
export type Verdict = z.infer<typeof VerdictSchema>;
/** The flag a queued job carries while its endpoint's workers crash-loop on random_device: the one spelling of it. */
export const CRASH_LOOP_FLAG = "random_device_crash_loop" as const satisfies Verdict;

/** /health (or v2 worker summary) counts; a counter /health did not give is null, never 0. */
export interface EndpointHealthCounts {
  idle: number | null;
  initializing: number | null;
  running: number | null;
  throttled: number | null;
  unhealthy: number | null;
  /** Defaults to the sum of the others (null when one is null). */
  total?: number | null;
}

export interface CrashEventInput {
  at: Instant;
  fingerprint: string;
  signature: SignatureId;
  workerId: string | null;
}

export interface CompletionInput {
  at: Instant;
  /** null: seen only as a /health completed counter going up. */
  workerId: string | null;
}

export interface WorkerRestartInput {
  at: Instant;
  workerId: string;
}

export interface QueuedJobVerdictInput {
  now: Instant;
  /** When the job entered the queue (or pass ageMs). */
  queuedAt?: Instant;
  ageMs?: number;
  /** Latest /health (or v2 worker summary) of the job's endpoint; null when not known. */
  health: EndpointHealthCounts | null;
  /** When that health was taken; without it the health counts as current. */
  healthAt?: Instant | null;
  /** Recent crash events of the endpoint (any order). */
  crashes: CrashEventInput[];
  restarts?: WorkerRestartInput[];
  /** Newest completion the endpoint shows: a tracked COMPLETED job, or a /health completed counter that went up. */
  lastCompletedAt?: Instant | null;
  /** Recent completions with their worker (default: lastCompletedAt without one); they end a loop as findCrashLoops says. */
  completions?: CompletionInput[];
  /** Workers listed now (default: unknown). */
  liveWorkers?: Set<string> | null;
  config?: Partial<CrashLoopRuleConfig>;
}

export interface VerdictEvidence {
  kind: "crash" | "health" | "restart" | "completion";
  at: string;
  label: string;
}

export interface QueuedJobVerdict {
  verdict: Verdict;
  flag: typeof CRASH_LOOP_FLAG | null;
  reason: string;
  signature?: SignatureId;
  fingerprint?: string;
  /** Crash events that made the crash-loop verdict. */
  crashCount?: number;
  /** "unknown": a crash loop seen only as restarts / unhealthy workers. */
  cause?: "unknown";
  /** A crash loop beside healthy capacity: the job is queued, the loop is still an incident. */
  besideLoop?: { fingerprint: string; signature: SignatureId; workers: string[] };
  evidence: VerdictEvidence[];
  /** Newest evidence time (ISO), null when the verdict rests on no data. */
  evidenceAt: string | null;
}

function minutes(msValue: number): string {
  const m = msValue / 60_000;
  return Number.isInteger(m) ? `${m} min` : `${Math.round(msValue / 1000)} s`;
}

export interface CrashLoop {
  fingerprint: string;
  signature: SignatureId;
  count: number;
  workers: Set<string>;
  firstAt: number;
  lastAt: number;
  /** Gap between the newest two crashes of the loop. */
  lastGapMs: number;
  /** The loop is alive until then, unless a job completes after lastAt. */
  aliveUntil: number;
  backoff: boolean;
}

/**
 * Every fingerprint that crash-loops now (see the decision tree, rule 1), best first: random_device,
 * then the more specific signature, then more crashes. Pure; detection's incident lifecycle uses it too.
 */
export function findCrashLoops<C extends { at: Instant; fingerprint: string; signature: string; workerId: string | null }>(
  crashes: C[],
  opts: { now: Instant; config?: Partial<CrashLoopRuleConfig>; completions?: CompletionInput[]; liveWorkers?: Set<string> | null },
): (Omit<CrashLoop, "signature"> & { signature: C["signature"] })[] {
  const cfg = parseCrashLoopRuleConfig(opts.config ?? {});
  const now = ms(opts.now);
  const byFp = new Map<string, C[]>();
  for (const c of crashes) {
    const at = ms(c.at);
    if (!(at <= now)) continue;
    const list = byFp.get(c.fingerprint);
    if (list) list.push(c);
    else byFp.set(c.fingerprint, [c]);
  }
  const out: (Omit<CrashLoop, "signature"> & { signature: C["signature"] })[] = [];
  for (const [fp, list] of byFp) {
    list.sort((a, b) => ms(b.at) - ms(a.at));
    const newest = ms(list[0].at);
    const chain = [list[0]];
    for (let i = 1; i < list.length; i++) {
      if (ms(chain[chain.length - 1].at) - ms(list[i].at) > cfg.maxBackoffGapMs) break;
      chain.push(list[i]);
    }
    const inWindow = list.filter((c) => now - ms(c.at) <= cfg.windowMs);
    const lastGapMs = chain.length > 1 ? newest - ms(chain[1].at) : 0;
    const aliveUntil = newest + Math.min(cfg.maxBackoffGapMs, Math.max(cfg.windowMs, 2 * lastGapMs));
    const windowLoop = inWindow.length >= cfg.minCrashes;
    const backoffLoop = chain.length >= cfg.minCrashes + 1 && now <= aliveUntil;
    if (!windowLoop && !backoffLoop) continue;
    const members = windowLoop && !backoffLoop ? inWindow : chain;
    const workers = new Set(members.map((c) => c.workerId).filter((w): w is string => !!w));
    if (workers.size < cfg.minWorkers && !(cfg.minWorkers === 1 && workers.size === 0)) continue;
    // Ended: a job completed after the newest crash on a worker of the loop, or anywhere once no worker
    // of the loop is listed any more (or the crashes name none). Completions on other workers beside a
    // looping one do not end it.
    const gone = opts.liveWorkers ? ![...workers].some((w) => opts.liveWorkers!.has(w)) : false;
    const ended = (opts.completions ?? []).some((c) => ms(c.at) > newest && ms(c.at) <= now && (workers.size === 0 || gone || (c.workerId !== null && workers.has(c.workerId))));
    if (ended) continue;
    out.push({
      fingerprint: fp,
      signature: list[0].signature,
      count: members.length,
      workers,
      firstAt: ms(members[members.length - 1].at),
      lastAt: newest,
      lastGapMs,
      aliveUntil: windowLoop ? Math.max(aliveUntil, newest + cfg.windowMs) : aliveUntil,
      backoff: !windowLoop,
    });
  }
  const rank = (s: string) => (s === "random_device" ? -1 : s in SIGNATURES ? signatureRank(s as SignatureId) : 1_000);
  return out.sort((a, b) => rank(a.signature) - rank(b.signature) || b.count - a.count);
}

function healthTotal(h: EndpointHealthCounts): number | null {
  if (h.total !== undefined) return h.total;
  const xs = [h.idle, h.initializing, h.running, h.throttled, h.unhealthy];
  return xs.some((x) => x === null) ? null : (xs as number[]).reduce((a, b) => a + b, 0);
}

const iso = (t: number) => new Date(t).toISOString();
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function finish(v: Omit<QueuedJobVerdict, "evidenceAt">): QueuedJobVerdict {
  const t = v.evidence.map((e) => Date.parse(e.at)).filter((x) => !Number.isNaN(x));
  return { ...v, evidenceAt: t.length ? iso(Math.max(...t)) : null };
}

export function verdictForQueuedJob(input: QueuedJobVerdictInput): QueuedJobVerdict {
  const cfg = parseCrashLoopRuleConfig(input.config ?? {});
  const now = ms(input.now);
  const age = input.ageMs ?? (input.queuedAt !== undefined ? now - ms(input.queuedAt) : 0);
  const h = input.health;
  const healthAt = input.healthAt == null ? now : ms(input.healthAt);
  const healthEv: VerdictEvidence[] = h
    ? [{ kind: "health", at: iso(healthAt), label: `/health: ${h.idle ?? "?"} idle, ${h.running ?? "?"} running, ${h.initializing ?? "?"} initializing, ${h.throttled ?? "?"} throttled, ${h.unhealthy ?? "?"} unhealthy` }]
    : [];
  const lastDone = input.lastCompletedAt == null ? -Infinity : ms(input.lastCompletedAt);
  const doneEv: VerdictEvidence[] = Number.isFinite(lastDone) ? [{ kind: "completion", at: iso(lastDone), label: "last completed job" }] : [];

  const completions = input.completions ?? (input.lastCompletedAt == null ? [] : [{ at: input.lastCompletedAt, workerId: null }]);
  const loop = findCrashLoops(input.crashes, { now, config: cfg, completions, liveWorkers: input.liveWorkers })[0];
  if (loop) {
    const who = loop.workers.size > 0 ? ` on ${plural(loop.workers.size, "worker")}` : "";
    const span = loop.backoff ? `in a back-off loop (last gap ${minutes(Math.round(loop.lastGapMs / 1000) * 1000)})` : `in the last ${minutes(cfg.windowMs)}`;
    const crashEv: VerdictEvidence[] = [{ kind: "crash", at: iso(loop.lastAt), label: `${plural(loop.count, "crash")} "${SIGNATURES[loop.signature].title}"${who}, first ${iso(loop.firstAt)}` }];
    const fresh = h !== null && now - healthAt <= cfg.staleMs;
    const takingJobs = fresh && (h.idle ?? 0) + (h.running ?? 0) > 0 && lastDone > loop.firstAt;
    if (takingJobs) {
      return finish({
        verdict: "queued",
        flag: null,
        reason: `queued (one worker crash-looping): ${plural(loop.count, "crash")} "${SIGNATURES[loop.signature].title}"${who} ${span}, while other workers take jobs (last completion ${iso(lastDone)})`,
        besideLoop: { fingerprint: loop.fingerprint, signature: loop.signature, workers: [...loop.workers] },
        evidence: [...crashEv, ...healthEv, ...doneEv],
      });
    }
    const rd = loop.signature === "random_device";
    return finish({
      verdict: rd ? "random_device_crash_loop" : "crash_loop",
      flag: rd ? CRASH_LOOP_FLAG : null,
      reason: `workers crashed ${loop.count} times${who} ${span} with "${SIGNATURES[loop.signature].title}" and no job completed since`,
      signature: loop.signature,
      fingerprint: loop.fingerprint,
      crashCount: loop.count,
      evidence: [...crashEv, ...healthEv, ...doneEv],
    });
  }

  if (!h) return finish({ verdict: "queued", flag: null, reason: "no data: no endpoint health recorded yet", evidence: [] });
  if (now - healthAt > cfg.staleMs) return finish({ verdict: "queued", flag: null, reason: `no data since ${iso(healthAt)}: the newest endpoint health is ${minutes(Math.round((now - healthAt) / 60_000) * 60_000)} old`, evidence: healthEv });
  const total = healthTotal(h);
  if (total === 0) return finish({ verdict: "no_capacity", flag: null, reason: "the endpoint has no workers (scaled to zero, no GPUs of the selected types free, or max workers 0)", evidence: healthEv });

  const recentlyCompleted = now - lastDone <= cfg.windowMs;
  if (age >= cfg.suspectAfterMs && !recentlyCompleted) {
    const perWorker = new Map<string, number[]>();
    for (const r of input.restarts ?? []) {
      const at = ms(r.at);
      if (now - at <= cfg.windowMs && at > lastDone) perWorker.set(r.workerId, [...(perWorker.get(r.workerId) ?? []), at]);
    }
    const [worst] = [...perWorker.entries()].sort((a, b) => b[1].length - a[1].length);
    const maxRestarts = worst ? worst[1].length : 0;
    const unhealthy = h.unhealthy ?? 0;
    if (unhealthy > 0 || maxRestarts >= cfg.minRestarts) {
      const why = unhealthy > 0 ? plural(unhealthy, "unhealthy worker") : `worker ${worst[0]} restarted ${maxRestarts} times in ${minutes(cfg.windowMs)}`;
      const restartEv: VerdictEvidence[] = worst ? [{ kind: "restart", at: iso(Math.max(...worst[1])), label: `worker ${worst[0]} restarted ${maxRestarts} times` }] : [];
      return finish({
        verdict: "crash_loop",
        flag: null,
        cause: "unknown",
        fingerprint: UNKNOWN_LOOP,
        reason: `crash loop, cause unknown: ${why}, job waiting ${minutes(Math.round(age / 1000) * 1000)}, no job completed in ${minutes(cfg.windowMs)} and no readable crash log`,
        evidence: [...restartEv, ...healthEv, ...doneEv],
      });
    }
  }
  if ((h.throttled ?? 0) > 0 && (h.running ?? 0) === 0) return finish({ verdict: "throttled", flag: null, reason: `${h.throttled} worker${h.throttled === 1 ? " is" : "s are"} throttled (host GPUs taken) and none is running`, evidence: healthEv });
  if ((h.initializing ?? 0) > 0 && (h.idle ?? 0) === 0 && (h.running ?? 0) === 0 && age < cfg.coldStartMaxMs) {
    return finish({ verdict: "cold_start", flag: null, reason: `${h.initializing} worker${h.initializing === 1 ? " is" : "s are"} starting up`, evidence: healthEv });
  }
  return finish({ verdict: "queued", flag: null, reason: "waiting for a free worker", evidence: healthEv });
}

export interface HealthPointInput {
  at: Instant;
  /** idle + running (+ ready); null when /health did not give the counts. */
  ready: number | null;
  unhealthy: number | null;
}

export interface UnknownLoop {
  lastAt: number;
  why: string;
  workers: string[];
}

/**
 * A crash loop without readable logs (rule 3 at the endpoint level, no queued job needed): one worker
 * restarted at least minRestarts times within windowMs, or at least minCrashes crash events without a
 * classified cause (restart-only, exit code only), or every health poll of the last suspectAfterMs
 * (at least two) shows unhealthy workers — and no job completed within windowMs.
 */
export function findUnknownLoop(input: {
  now: Instant;
  restarts: WorkerRestartInput[];
  unexplained: { at: Instant; workerId: string | null }[];
  series: HealthPointInput[];
  lastCompletedAt?: Instant | null;
  config?: Partial<CrashLoopRuleConfig>;
}): UnknownLoop | null {
  const cfg = parseCrashLoopRuleConfig(input.config ?? {});
  const now = ms(input.now);
  const done = input.lastCompletedAt == null ? -Infinity : ms(input.lastCompletedAt);
  if (now - done <= cfg.windowMs) return null;
  const recent = <T extends { at: Instant }>(xs: T[]) => xs.filter((x) => now - ms(x.at) <= cfg.windowMs && ms(x.at) <= now && ms(x.at) > done);
  const perWorker = new Map<string, number[]>();
  for (const r of recent(input.restarts)) perWorker.set(r.workerId, [...(perWorker.get(r.workerId) ?? []), ms(r.at)]);
  const [worst] = [...perWorker.entries()].sort((a, b) => b[1].length - a[1].length);
  if (worst && worst[1].length >= cfg.minRestarts) return { lastAt: Math.max(...worst[1]), why: `worker ${worst[0]} restarted ${worst[1].length} times in ${minutes(cfg.windowMs)}`, workers: [...perWorker.keys()] };
  const ux = recent(input.unexplained);
  if (ux.length >= cfg.minCrashes) {
    return { lastAt: Math.max(...ux.map((u) => ms(u.at))), why: `${ux.length} worker exits/restarts without a readable crash log in ${minutes(cfg.windowMs)}`, workers: [...new Set(ux.map((u) => u.workerId).filter((w): w is string => !!w))] };
  }
  const lastPolls = input.series.filter((p) => now - ms(p.at) <= cfg.suspectAfterMs && ms(p.at) <= now);
  const oldEnough = input.series.some((p) => now - ms(p.at) >= cfg.suspectAfterMs && (p.unhealthy ?? 0) > 0);
  if (lastPolls.length >= 2 && oldEnough && lastPolls.every((p) => (p.unhealthy ?? 0) > 0 && (p.ready ?? 0) === 0)) {
    const newest = lastPolls.reduce((a, b) => (ms(b.at) > ms(a.at) ? b : a));
    return { lastAt: ms(newest.at), why: `${newest.unhealthy} unhealthy and no ready worker for ${minutes(cfg.suspectAfterMs)}`, workers: [] };
  }
  return null;
}

export type Recovery = { recovered: true; reason: string; evidenceAt: number } | { recovered: false; reason: string; noDataSince: number | null };

/**
 * Whether an endpoint visibly recovered from a crash at `lastBadAt` (positive evidence only):
 * a job completed after it and `recoveredQuietMs` passed, or health polls without a gap longer than
 * `staleMs`, each with ready workers and none unhealthy, cover `quietMs` after it up to now. An
 * endpoint without fresh data, scaled to zero or without ready workers has not recovered: silence is
 * "no data since …", never "resolved".
 */
export function recoveryEvidence(input: {
  now: Instant;
  lastBadAt: Instant;
  lastCompletedAt?: Instant | null;
  series: HealthPointInput[];
  lastDataAt?: Instant | null;
  quietMs: number;
  recoveredQuietMs: number;
  staleMs: number;
}): Recovery {
  const now = ms(input.now);
  const bad = ms(input.lastBadAt);
  const done = input.lastCompletedAt == null ? -Infinity : ms(input.lastCompletedAt);
  if (done > bad && now - bad >= input.recoveredQuietMs) return { recovered: true, reason: `a job completed at ${iso(done)}, after the last crash at ${iso(bad)}`, evidenceAt: done };
  const pts = input.series.filter((p) => ms(p.at) <= now).sort((a, b) => ms(a.at) - ms(b.at));
  const newest = pts[pts.length - 1];
  const lastData = input.lastDataAt == null ? (newest ? ms(newest.at) : null) : ms(input.lastDataAt);
  if (!newest || now - ms(newest.at) > input.staleMs) {
    return { recovered: false, reason: lastData === null ? "no data about the endpoint" : `no data since ${iso(lastData)}`, noDataSince: lastData };
  }
  const good = (p: HealthPointInput) => p.ready !== null && p.ready > 0 && p.unhealthy !== null && p.unhealthy === 0;
  let start: number | null = null;
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i];
    if (ms(p.at) <= bad || !good(p)) break;
    if (i < pts.length - 1 && ms(pts[i + 1].at) - ms(p.at) > input.staleMs) break;
    start = ms(p.at);
  }
  if (start !== null && ms(newest.at) - start >= input.quietMs) {
    return { recovered: true, reason: `workers ready and none unhealthy from ${iso(start)} to ${iso(ms(newest.at))}, no crash since ${iso(bad)}`, evidenceAt: ms(newest.at) };
  }
  if ((newest.ready ?? 0) === 0) {
    const lastWorker = [...pts].reverse().find((p) => (p.ready ?? 0) > 0 || (p.unhealthy ?? 0) > 0);
    const since = Math.max(bad, lastWorker ? ms(lastWorker.at) : bad);
    return { recovered: false, reason: `no data since ${iso(since)}: no ready worker (${newest.ready === null ? "counts unknown" : "scaled to zero or not started"})`, noDataSince: since };
  }
  return { recovered: false, reason: `workers ready since ${start ? iso(start) : "?"}; needs ${minutes(input.quietMs)} of that`, noDataSince: null };
}

/** Lifecycle of a crash group (endpoint + fingerprint). */
export const CRASH_GROUP_STATES = ["new", "ongoing", "resolved", "regressed"] as const;
export type CrashGroupStateName = (typeof CRASH_GROUP_STATES)[number];

export interface CrashGroupStatus {
  state: CrashGroupStateName;
  firstSeenAt: number;
  lastSeenAt: number;
  count: number;
  resolvedAt: number | null;
}

export function shouldAutoResolve(lastCrashAt: Instant, now: Instant, quietMs: number = DEFAULT_CRASH_LOOP_RULE_CONFIG.quietMs): boolean {
  return ms(now) - ms(lastCrashAt) >= quietMs;
}

/**
 * Next state of a crash group. `crashAt` is a crash of this group seen now (or
 * omitted for a time tick). new → ongoing on the next crash; new/ongoing/regressed
 * → resolved after `quietMs` without crashes; resolved → regressed on a crash;
 * regressed → ongoing on a further crash.
 */
export function crashGroupState(prev: CrashGroupStatus | null, input: { now: Instant; crashAt?: Instant }, quietMs: number = DEFAULT_CRASH_LOOP_RULE_CONFIG.quietMs): CrashGroupStatus | null {
  const now = ms(input.now);
  if (input.crashAt !== undefined) {
    const at = ms(input.crashAt);
    if (!prev) return { state: "new", firstSeenAt: at, lastSeenAt: at, count: 1, resolvedAt: null };
    const next = { ...prev, lastSeenAt: Math.max(prev.lastSeenAt, at), count: prev.count + 1 };
    if (prev.state === "resolved") {
      // A crash from before the resolution that arrives late does not reopen the group.
      if (prev.resolvedAt !== null && at <= prev.resolvedAt) return next;
      return { ...next, state: "regressed", resolvedAt: null };
    }
    return { ...next, state: "ongoing" };
  }
  if (!prev) return null;
  if (prev.state !== "resolved" && shouldAutoResolve(prev.lastSeenAt, now, quietMs)) return { ...prev, state: "resolved", resolvedAt: now };
  return prev;
}
