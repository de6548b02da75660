import { z } from "zod";
import { SIGNATURES, signatureRank, type SignatureId } from "./signatures";

/**
 * Why an IN_QUEUE job waits. Pure rules; the decision tree, first match wins:
 *
 * 1. crash loop: at least `minCrashes` crash events with the same fingerprint
 *    (from at least `minWorkers` workers) within the last `windowMs`, all after
 *    the endpoint's last completed job. random_device → `random_device_crash_loop`
 *    (the flag), anything else → `crash_loop` naming the signature. If several
 *    fingerprints qualify: random_device first, then the most specific
 *    signature, then the most crashes.
 * 2. `no_capacity`: the endpoint has no workers at all (health total == 0).
 * 3. crash loop suspected without a classified cause (RunPod section 9): the
 *    job has waited at least `suspectAfterMs`, no job completed within
 *    `windowMs`, and workers are unhealthy or one worker restarted at least
 *    `minRestarts` times within `windowMs` → `crash_loop` without signature.
 * 4. `throttled`: throttled > 0 and running == 0.
 * 5. `cold_start`: workers are only initializing (initializing > 0, no idle or
 *    running worker) and the job is younger than `coldStartMaxMs`.
 * 6. `queued`: anything else, including no data at all.
 */
export const CrashLoopRuleConfigSchema = z.object({
  windowMs: z.number().int().positive().default(10 * 60_000),
  minCrashes: z.number().int().min(2).default(2),
  minWorkers: z.number().int().min(1).default(1),
  suspectAfterMs: z.number().int().nonnegative().default(2 * 60_000),
  minRestarts: z.number().int().min(1).default(2),
  coldStartMaxMs: z.number().int().positive().default(5 * 60_000),
  /** Incidents auto-resolve after this long without a crash of their fingerprint. */
  quietMs: z.number().int().positive().default(15 * 60_000),
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
export const FLAG = "random_device_crash_loop" as const;

export interface EndpointHealthCounts {
  idle: number;
  initializing: number;
  running: number;
  throttled: number;
  unhealthy: number;
  /** Defaults to the sum of the others. */
  total?: number;
}

export interface CrashEventInput {
  at: Instant;
  fingerprint: string;
  signature: SignatureId;
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
  /** Recent crash events of the endpoint (any order). */
  crashes: CrashEventInput[];
  restarts?: WorkerRestartInput[];
  /** Completion time of the endpoint's most recent COMPLETED job. */
  lastCompletedAt?: Instant | null;
  config?: Partial<CrashLoopRuleConfig>;
}

export interface QueuedJobVerdict {
  verdict: Verdict;
  flag: typeof FLAG | null;
  reason: string;
  signature?: SignatureId;
  fingerprint?: string;
  /** Crash events that made the crash-loop verdict. */
  crashCount?: number;
}

function minutes(msValue: number): string {
  const m = msValue / 60_000;
  return Number.isInteger(m) ? `${m} min` : `${Math.round(msValue / 1000)} s`;
}

interface LoopGroup {
  fingerprint: string;
  signature: SignatureId;
  count: number;
  workers: Set<string>;
}

function findCrashLoop(input: QueuedJobVerdictInput, cfg: CrashLoopRuleConfig, now: number): LoopGroup | null {
  const since = input.lastCompletedAt == null ? -Infinity : ms(input.lastCompletedAt);
  const groups = new Map<string, LoopGroup>();
  for (const c of input.crashes) {
    const at = ms(c.at);
    if (!(now - at <= cfg.windowMs) || !(at > since)) continue;
    let g = groups.get(c.fingerprint);
    if (!g) groups.set(c.fingerprint, (g = { fingerprint: c.fingerprint, signature: c.signature, count: 0, workers: new Set() }));
    g.count++;
    if (c.workerId) g.workers.add(c.workerId);
  }
  // Better first: random_device, then the more specific signature, then more crashes.
  const better = (a: LoopGroup, b: LoopGroup) => {
    const ra = a.signature === "random_device" ? 0 : 1;
    const rb = b.signature === "random_device" ? 0 : 1;
    if (ra !== rb) return ra < rb;
    if (a.signature !== b.signature) return signatureRank(a.signature) < signatureRank(b.signature);
    return a.count > b.count;
  };
  let best: LoopGroup | null = null;
  for (const g of groups.values()) {
    if (g.count < cfg.minCrashes || (g.workers.size < cfg.minWorkers && !(cfg.minWorkers === 1 && g.workers.size === 0))) continue;
    if (!best || better(g, best)) best = g;
  }
  return best;
}

export function verdictForQueuedJob(input: QueuedJobVerdictInput): QueuedJobVerdict {
  const cfg = parseCrashLoopRuleConfig(input.config ?? {});
  const now = ms(input.now);
  const age = input.ageMs ?? (input.queuedAt !== undefined ? now - ms(input.queuedAt) : 0);

  const loop = findCrashLoop(input, cfg, now);
  if (loop) {
    const workers = loop.workers.size;
    const who = workers > 0 ? ` on ${workers} worker${workers === 1 ? "" : "s"}` : "";
    const rd = loop.signature === "random_device";
    return {
      verdict: rd ? "random_device_crash_loop" : "crash_loop",
      flag: rd ? FLAG : null,
      reason: `workers crashed ${loop.count} times${who} in the last ${minutes(cfg.windowMs)} with "${SIGNATURES[loop.signature].title}" and no job completed since`,
      signature: loop.signature,
      fingerprint: loop.fingerprint,
      crashCount: loop.count,
    };
  }

  const h = input.health;
  if (h) {
    const total = h.total ?? h.idle + h.initializing + h.running + h.throttled + h.unhealthy;
    if (total === 0) return { verdict: "no_capacity", flag: null, reason: "the endpoint has no workers (scaled to zero, no GPUs of the selected types free, or max workers 0)" };

    const lastDone = input.lastCompletedAt == null ? -Infinity : ms(input.lastCompletedAt);
    const recentlyCompleted = now - lastDone <= cfg.windowMs;
    if (age >= cfg.suspectAfterMs && !recentlyCompleted) {
      const perWorker = new Map<string, number>();
      for (const r of input.restarts ?? []) {
        if (now - ms(r.at) <= cfg.windowMs && ms(r.at) > lastDone) perWorker.set(r.workerId, (perWorker.get(r.workerId) ?? 0) + 1);
      }
      const maxRestarts = Math.max(0, ...perWorker.values());
      if (h.unhealthy > 0 || maxRestarts >= cfg.minRestarts) {
        const why = h.unhealthy > 0 ? `${h.unhealthy} unhealthy worker${h.unhealthy === 1 ? "" : "s"}` : `a worker restarted ${maxRestarts} times in ${minutes(cfg.windowMs)}`;
        return { verdict: "crash_loop", flag: null, reason: `crash loop suspected: ${why}, job waiting ${minutes(Math.round(age / 1000) * 1000)}; no crash logs classified yet` };
      }
    }
    if (h.throttled > 0 && h.running === 0) return { verdict: "throttled", flag: null, reason: `${h.throttled} worker${h.throttled === 1 ? " is" : "s are"} throttled (host GPUs taken) and none is running` };
    if (h.initializing > 0 && h.idle === 0 && h.running === 0 && age < cfg.coldStartMaxMs) {
      return { verdict: "cold_start", flag: null, reason: `${h.initializing} worker${h.initializing === 1 ? " is" : "s are"} starting up` };
    }
  }
  return { verdict: "queued", flag: null, reason: h ? "waiting for a free worker" : "no endpoint health data yet" };
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
