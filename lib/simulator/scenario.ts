import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import YAML from "yaml";
import { TERMINAL_JOB_STATUSES } from "@/lib/domain/job/status";

/**
 * The scenario file: which endpoints exist, how their workers behave over time,
 * the limits and the fault knobs. YAML or JSON, validated here; every problem
 * is reported with its path (e.g. `endpoints.1.behaviour.crash`).
 */

const ms = (def: number, min = 0) => z.number().int().min(min).default(def);
const prob = z.number().min(0).max(1).default(0);

export const CRASH_KINDS = ["random_device", "cuda_oom", "missing_module", "missing_test_input", "segfault"] as const;
export type CrashKind = (typeof CRASH_KINDS)[number];

const BackoffSchema = z
  .strictObject({
    initialMs: ms(10_000, 0),
    factor: z.number().min(1).default(2),
    maxMs: ms(300_000, 0),
  })
  .prefault({});

const CrashOnceSchema = z.strictObject({
  /** The endpoint's Nth started job (1-based) is the one whose worker dies. */
  onJob: z.number().int().min(1).default(3),
  kind: z.enum(["segfault", "cuda_oom"]).default("segfault"),
  /** How long after the job started the process dies. */
  afterMs: ms(1_000),
});

const HealthySchema = z.strictObject({
  type: z.literal("healthy"),
  /** Probability that a job's handler raises (job FAILED with a runpod-python error string). */
  failureRate: prob,
  crashOnce: CrashOnceSchema.optional(),
});

const OneOffCrashSchema = z.strictObject({
  type: z.literal("one_off_crash"),
  failureRate: prob,
  onJob: z.number().int().min(1).default(3),
  kind: z.enum(["segfault", "cuda_oom"]).default("segfault"),
  afterMs: ms(1_000),
});

const CrashLoopSchema = z.strictObject({
  type: z.literal("crash_loop"),
  crash: z.enum(CRASH_KINDS),
  /** Time from container start to the crash. */
  crashAfterMs: ms(6_000),
  backoff: BackoffSchema,
  /** Status while a crashed worker's container is being restarted (between crashes it is UNHEALTHY). UNCONFIRMED. */
  statusWhileRestarting: z.enum(["UNHEALTHY", "INITIALIZING"]).default("UNHEALTHY"),
  /** Module name for crash: missing_module. */
  missingModule: z.string().min(1).default("tensorflow_addons"),
  /** false: the container dies before it prints anything, so only RunPod's system lines show the loop. */
  containerOutput: z.boolean().default(true),
});

const NoCapacitySchema = z.strictObject({
  type: z.literal("no_capacity"),
  /** throttled: workers listed as THROTTLED, never start; unplaced: no workers at all (summary.total == 0). */
  mode: z.enum(["throttled", "unplaced"]).default("throttled"),
});

const ExternalSchema = z.strictObject({
  type: z.literal("external"),
  /** No contact (ping, job-take, job-done) for this long → UNHEALTHY and its jobs count as lost. */
  heartbeatTimeoutMs: ms(30_000, 1),
  /** An UNHEALTHY external worker silent for this long disappears from the list. */
  forgetAfterMs: ms(300_000, 1),
  /** How long job-take / job-stop long polls are held before 204. */
  longPollMs: ms(30_000, 0),
});

const behaviourInner = z.discriminatedUnion("type", [HealthySchema, OneOffCrashSchema, CrashLoopSchema, NoCapacitySchema, ExternalSchema]);
/** A behaviour may be written as a bare string ("healthy", "no_capacity") when it needs no options. */
export const BehaviourSchema = z.preprocess((v) => (typeof v === "string" ? { type: v } : v), behaviourInner);
export type Behaviour = z.infer<typeof behaviourInner>;

const ObjectiveSchema = z
  .strictObject({
    function: z.enum(["branin", "hartmann6", "quadratic"]).default("branin"),
    /** Standard deviation of the Gaussian noise added to the loss (seeded per job). */
    noise: z.number().min(0).default(0.01),
    /** quadratic only: the optimum, one entry per input key the objective reads. */
    optimum: z.record(z.string(), z.number()).optional(),
    /** quadratic only: per-key scale; loss = sum(((x - optimum) / scale)^2). Default 1. */
    scale: z.record(z.string(), z.number().positive()).optional(),
  })
  .prefault({});
export type ObjectiveConfig = z.infer<typeof ObjectiveSchema>;

const TimelineEventSchema = z
  .strictObject({
    atMinute: z.number().min(0),
    behaviour: BehaviourSchema.optional(),
    image: z.string().min(1).optional(),
    /** Endpoint worker settings change (e.g. RunPod silently dropping max to 0 after repeated unhealthy workers). */
    workers: z
      .strictObject({ min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional(), idleTimeout: z.number().int().min(0).optional() })
      .optional(),
    note: z.string().optional(),
  })
  .refine((e) => e.behaviour !== undefined || e.image !== undefined || e.workers !== undefined, {
    message: "a timeline event needs a behaviour, an image or workers",
  });

const TrafficSchema = z.strictObject({
  /** The simulator itself submits a job every intervalMs (demo background load). */
  intervalMs: z.number().int().min(100),
  startAfterMs: ms(0),
  maxJobs: z.number().int().min(1).optional(),
  /** Fixed input for every job; default: random parameters inside the objective's domain. */
  input: z.record(z.string(), z.unknown()).optional(),
  policy: z
    .strictObject({ executionTimeout: z.number().int().optional(), ttl: z.number().int().optional(), lowPriority: z.boolean().optional() })
    .optional(),
});

const RangeSchema = z.union([
  z.number().int().min(0).transform((n) => ({ min: n, max: n })),
  z.strictObject({ min: z.number().int().min(0), max: z.number().int().min(0) }).refine((r) => r.max >= r.min, { message: "max must be >= min" }),
]);

export const EndpointConfigSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "must be 1-64 letters, digits, '-' or '_'"),
    name: z.string().optional(),
    /** QUEUE (jobs API) or LOAD_BALANCER (plain HTTP to the workers, no /run, /status or /health): RunPod v2 OpenAPI, Endpoint.type. */
    type: z.enum(["QUEUE", "LOAD_BALANCER"]).default("QUEUE"),
    image: z.string().min(1).default("sweepwatch/trainer:1.0.0"),
    version: z.number().int().min(0).default(1),
    gpuTypeIds: z.array(z.string()).min(1).default(["NVIDIA GeForce RTX 4090"]),
    dataCenterIds: z.array(z.string()).min(1).default(["US-KS-2"]),
    workers: z
      .strictObject({
        min: z.number().int().min(0).default(0),
        max: z.number().int().min(0).default(3),
        /** Seconds, as in RunPod's endpoint config. */
        idleTimeout: z.number().int().min(0).default(5),
      })
      .prefault({})
      .refine((w) => w.max >= w.min, { message: "workers.max must be >= workers.min" }),
    coldStartMs: ms(8_000),
    /** Container restart time once the image is cached (crash-loop restarts, recycles). */
    restartMs: ms(2_000),
    /** Endpoint execution timeout (ms); jobs may override with policy.executionTimeout. */
    executionTimeoutMs: ms(600_000, 5_000),
    jobDurationMs: RangeSchema.default({ min: 3_000, max: 8_000 }),
    /** Number of /stream chunks each job produces while running (0 = none). */
    streamChunks: z.number().int().min(0).max(100).default(3),
    jobIdSuffix: z.string().regex(/^-[a-z0-9]{1,4}$/).default("-u1"),
    objective: ObjectiveSchema,
    behaviour: BehaviourSchema.default({ type: "healthy", failureRate: 0 }),
    timeline: z.array(TimelineEventSchema).default([]),
    traffic: TrafficSchema.optional(),
  });
export type EndpointConfig = z.infer<typeof EndpointConfigSchema>;

const OpLimit = z.strictObject({ requests: z.number().int().min(1).nullable(), concurrent: z.number().int().min(1).nullable().default(null) });
const opLimit = (requests: number | null, concurrent: number | null) => OpLimit.default({ requests, concurrent });

export const RateLimitsSchema = z
  .strictObject({
    jobs: z
      .strictObject({
        enabled: z.boolean().default(true),
        windowMs: ms(10_000, 1),
        /** Dynamic limit: max(base, runningWorkers * perWorker) per window (docs' example: 50). */
        perWorker: z.number().int().min(0).default(50),
        /** Pre-Oct-2025 rule: 429 on submit when queue > 50 and > workersMax * 500 (UNCONFIRMED today). */
        queueSizeRule: z.boolean().default(false),
        /** Send Retry-After on jobs-API 429s (UNCONFIRMED for api.runpod.ai). */
        retryAfterHeader: z.boolean().default(true),
        run: opLimit(1000, 200),
        runsync: opLimit(2000, 400),
        status: opLimit(2000, 400),
        stream: opLimit(2000, 400),
        cancel: opLimit(100, 20),
        purgeQueue: opLimit(2, null),
        retry: opLimit(null, null),
        health: opLimit(null, null),
      })
      .prefault({}),
    management: z
      .strictObject({
        enabled: z.boolean().default(true),
        minute: z.number().int().min(1).default(60),
        hour: z.number().int().min(1).default(3000),
        day: z.number().int().min(1).default(50000),
      })
      .prefault({}),
  })
  .prefault({});
export type RateLimits = z.infer<typeof RateLimitsSchema>;

export const JobPolicySchema = z
  .strictObject({
    runRetentionMs: ms(30 * 60_000),
    runsyncRetentionMs: ms(60_000),
    /** A queued job whose ttl expires: becomes TIMED_OUT (kept for the retention window) or disappears (404). */
    ttlExpiredInQueue: z.enum(["TIMED_OUT", "REMOVE"]).default("TIMED_OUT"),
    /** Status after executionTimeout (observed: FAILED "executionTimeout exceeded"). */
    executionTimeoutStatus: z.enum(["FAILED", "TIMED_OUT"]).default("FAILED"),
    /** When a worker dies mid-job (UNCONFIRMED): requeue with retries+1, or fail at once. */
    onWorkerDeath: z.enum(["requeue", "fail"]).default("requeue"),
    maxAutoRetries: z.number().int().min(0).default(3),
    /** Observed: cancelling a running job restarts that worker. */
    cancelRestartsWorker: z.boolean().default(true),
    webhookStates: z.array(z.enum(TERMINAL_JOB_STATUSES)).default(["COMPLETED", "FAILED"]),
    webhookRetries: z.number().int().min(0).default(2),
    webhookRetryDelayMs: ms(10_000),
    webhookTimeoutMs: ms(10_000, 1),
  })
  .prefault({});

export const FaultsSchema = z
  .strictObject({
    /** Which API the faults hit. */
    scope: z.enum(["all", "jobs", "management"]).default("all"),
    /** Extra latency per request in real milliseconds (a number or {min,max}). */
    latencyMs: RangeSchema.default({ min: 0, max: 0 }),
    /** Probability of a 500/502/503 answer. */
    errorRate: prob,
    /** Probability of a 429 answer (on top of the real limits). */
    rateLimitRate: prob,
    /** Periodic 429 bursts: every everyMs of simulated time, all requests get 429 for durationMs. */
    rateLimitBursts: z.strictObject({ everyMs: z.number().int().min(1), durationMs: z.number().int().min(1) }).nullable().default(null),
    /** Probability of a 200 whose JSON body is cut in half. */
    malformedJsonRate: prob,
    /** Probability that the socket is destroyed without an answer. */
    dropConnectionRate: prob,
    /**
     * Every management-API call (/v2/serverless...) fails with this status, whatever `scope` says:
     * 403 (key refused), 429 with `Retry-After: retryAfterSeconds` (RunPod's v2 OpenAPI example: 12),
     * or a 5xx. Bodies are application/problem+json {title,status,detail} as in the OpenAPI. null = off.
     */
    management: z
      .strictObject({ status: z.union([z.literal(403), z.literal(429), z.literal(500), z.literal(502), z.literal(503)]), retryAfterSeconds: z.number().int().min(0).default(12) })
      .nullable()
      .default(null),
  })
  .prefault({});
export type Faults = z.infer<typeof FaultsSchema>;
export type FaultsInput = z.input<typeof FaultsSchema>;

/**
 * The worker log route (docs/runpod-api.md 5.1). Defaults are production as RunPod's own clients recorded it
 * (runpod/runpodctl internal/api/logs.go + logs_test.go); the alternatives are the other shapes seen.
 */
export const LogRouteSchema = z
  .strictObject({
    /** on_first_line: no response headers until there is a line to send (prod). immediate: headers at once. */
    headers: z.enum(["on_first_line", "immediate"]).default("on_first_line"),
    /** timestamp: the id is the line's bare RFC 3339 ts (prod). timestamp_seq: "<ts>/<12-digit seq>" (the OpenAPI example). */
    eventIds: z.enum(["timestamp", "timestamp_seq"]).default("timestamp"),
    /** json_snapshot: one {"container":[...],"system":[...]} object, source ignored (prod on 2026-07-06, runpod/runpod-mcp aabfd76). */
    format: z.enum(["sse", "json_snapshot"]).default("sse"),
  })
  .prefault({});
export type LogRoute = z.infer<typeof LogRouteSchema>;

export const ScenarioSchema = z
  .strictObject({
    name: z.string().min(1).default("scenario"),
    description: z.string().optional(),
    /** Start of simulated time for the virtual clock (RFC 3339). */
    startTime: z.string().datetime({ offset: true }).optional(),
    rateLimits: RateLimitsSchema,
    jobs: JobPolicySchema,
    faults: FaultsSchema,
    logs: LogRouteSchema,
    /** documented: /health sends only what RunPod documents (workers.idle, workers.running); all: every counter. */
    health: z.strictObject({ counters: z.enum(["documented", "all"]).default("documented") }).prefault({}),
    endpoints: z.array(EndpointConfigSchema).min(1, "a scenario needs at least one endpoint"),
  })
  .superRefine((s, ctx) => {
    const seen = new Map<string, number>();
    s.endpoints.forEach((e, i) => {
      const prev = seen.get(e.id);
      if (prev !== undefined) ctx.addIssue({ code: "custom", path: ["endpoints", i, "id"], message: `duplicate endpoint id "${e.id}" (also endpoints.${prev}.id)` });
      seen.set(e.id, i);
    });
  });
export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;

export class ScenarioError extends Error {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = "ScenarioError";
  }
}

export function parseScenario(raw: unknown, source = "scenario"): Scenario {
  const r = ScenarioSchema.safeParse(raw);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(root)", message: i.message }));
  throw new ScenarioError(`Invalid ${source}:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join("\n")}`, issues);
}

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Resolves "demo", a bare scenario name, or a path (relative to cwd, then the project root). */
export function resolveScenarioPath(ref: string): string {
  const candidates = [ref, path.join(ROOT, ref)];
  if (!/[/\\.]/.test(ref)) candidates.push(path.join(ROOT, "scenarios", `${ref}.yaml`), path.join(ROOT, "scenarios", `${ref}.json`));
  for (const c of candidates) if (existsSync(c)) return path.resolve(c);
  throw new ScenarioError(`Scenario file not found: "${ref}" (looked in ${candidates.join(", ")})`);
}

export function loadScenarioFile(ref: string): Scenario {
  const file = resolveScenarioPath(ref);
  const text = readFileSync(file, "utf8");
  let raw: unknown;
  try {
    raw = file.endsWith(".json") ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new ScenarioError(`Cannot parse ${file}: ${(err as Error).message}`);
  }
  return parseScenario(raw, `scenario ${path.relative(process.cwd(), file) || file}`);
}

/** "demo" | a path | a raw object | an already parsed scenario. */
export function loadScenario(input: string | ScenarioInput | Scenario): Scenario {
  return typeof input === "string" ? loadScenarioFile(input) : parseScenario(input);
}
