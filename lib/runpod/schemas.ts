import { z } from "zod";
import type { JobStatus, Open, RunpodJobStatus } from "@/lib/domain/job/status";

/**
 * zod schemas for RunPod responses (docs/runpod-api.md sections 2 and 4). Tolerant by
 * design: unknown keys are dropped (or kept on `looseObject`s), optional fields may
 * be missing or null, and enum-like fields stay plain strings so a new status
 * value from RunPod is recorded instead of rejected.
 */

// ---- enum-like strings ------------------------------------------------------

// Job statuses live in lib/domain/job/status.ts (one home); worker statuses are RunPod's alone.

export const KNOWN_WORKER_STATUSES = ["RUNNING", "IDLE", "INITIALIZING", "THROTTLED", "UNHEALTHY"] as const;
export type KnownWorkerStatus = (typeof KNOWN_WORKER_STATUSES)[number];

const openString = <T extends string>() => z.string().transform((s) => s as Open<T>);

// ---- small building blocks --------------------------------------------------

/** Optional number that also accepts null and numeric strings; missing → undefined. */
const optNumber = z
  .union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)])
  .nullish()
  .transform((v) => (v === null || v === undefined ? undefined : Number(v)));
/** Counter: missing / null → 0. */
const counter = optNumber.transform((v) => v ?? 0);
const optString = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);
const nullableString = z
  .string()
  .nullish()
  .transform((v) => v ?? null);
const nullableNumber = optNumber.transform((v) => v ?? null);

// ---- jobs API ---------------------------------------------------------------

/** `error` should be a string, but a handler can return other JSON; keep it as text. */
const jobErrorText = z
  .unknown()
  .optional()
  .transform((v) => (v === undefined || v === null ? undefined : typeof v === "string" ? v : JSON.stringify(v)));

export const JobStatusDocSchema = z.object({
  id: z.string().optional(),
  status: openString<RunpodJobStatus>(),
  delayTime: optNumber,
  executionTime: optNumber,
  output: z.unknown().optional(),
  error: jobErrorText,
  workerId: optString,
  retries: optNumber,
});
export type JobStatusDoc = Omit<z.infer<typeof JobStatusDocSchema>, "id"> & { id: string };

export const RunResponseSchema = z.object({
  id: z.string().min(1),
  status: openString<RunpodJobStatus>().optional().transform((s) => s ?? "IN_QUEUE"),
});
export type RunResponse = z.infer<typeof RunResponseSchema>;

export const JobActionResponseSchema = z.object({
  id: z.string().optional(),
  status: openString<RunpodJobStatus>(),
});
export type JobActionResponse = { id: string; status: JobStatus };

export const PurgeQueueResponseSchema = z.object({
  removed: counter,
  status: optString,
});
export type PurgeQueueResponse = z.infer<typeof PurgeQueueResponseSchema>;

/**
 * GET /health. A counter RunPod did not send is null ("not reported"), never 0: its documented
 * example has only workers.idle and workers.running, and "0 unhealthy" must not be confused with
 * "unhealthy not reported" (docs/runpod-api.md 2.8).
 */
const JOB_COUNTERS = ["completed", "failed", "inProgress", "inQueue", "retried"] as const;
const WORKER_COUNTERS = ["idle", "initializing", "ready", "running", "throttled", "unhealthy"] as const;
const reported = nullableNumber;
const noneReported = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, null])) as Record<K, number | null>;
export const HealthSchema = z.object({
  jobs: z
    .object({ completed: reported, failed: reported, inProgress: reported, inQueue: reported, retried: reported })
    .nullish()
    .transform((v) => v ?? noneReported(JOB_COUNTERS)),
  workers: z
    .object({ idle: reported, initializing: reported, ready: reported, running: reported, throttled: reported, unhealthy: reported })
    .nullish()
    .transform((v) => v ?? noneReported(WORKER_COUNTERS)),
});
export type Health = z.infer<typeof HealthSchema>;

const StreamChunkSchema = z.looseObject({ output: z.unknown().optional(), metrics: z.unknown().optional() });
export type StreamChunk = z.infer<typeof StreamChunkSchema>;
/** Official clients get `{status, stream:[...]}`; the docs page shows a bare list of chunks. */
export const StreamResponseSchema = z.union([
  z.object({ status: openString<RunpodJobStatus>().optional(), stream: z.array(StreamChunkSchema).nullish() }).transform((v) => ({
    status: v.status,
    stream: v.stream ?? [],
  })),
  z.array(StreamChunkSchema).transform((stream) => ({ status: undefined as JobStatus | undefined, stream })),
]);
export type StreamResponse = { status: JobStatus | undefined; stream: StreamChunk[] };

// ---- management API v2 ------------------------------------------------------

export const EndpointSchema = z.looseObject({
  id: z.string().min(1),
  name: nullableString,
  type: optString,
  image: nullableString,
  workers: z
    .looseObject({ min: optNumber, max: optNumber, idleTimeout: optNumber })
    .nullish()
    .transform((v) => v ?? undefined),
  timeout: optNumber,
  createdAt: optString,
  requestUrls: z.record(z.string(), z.unknown()).nullish().transform((v) => v ?? undefined),
});
export type Endpoint = z.infer<typeof EndpointSchema>;

/** `{endpoints:[...]}` per the v2 doc; a bare array (v1 style) is accepted too. */
export const ListEndpointsResponseSchema = z.union([
  z.object({ endpoints: z.array(EndpointSchema).nullish() }).transform((v) => v.endpoints ?? []),
  z.array(EndpointSchema),
]);

export const WorkerSchema = z.object({
  id: z.string().min(1),
  status: openString<KnownWorkerStatus>(),
  isStale: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  version: nullableNumber,
  gpuCount: nullableNumber,
  image: nullableString,
  uptimeSeconds: nullableNumber,
  gpuTypeId: nullableString,
  dataCenterId: nullableString,
  startedAt: nullableString,
});
export type Worker = z.infer<typeof WorkerSchema>;

const SummarySchema = z.object({
  running: counter,
  idle: counter,
  initializing: counter,
  throttled: counter,
  unhealthy: counter,
  total: optNumber,
});
export type WorkerSummary = { running: number; idle: number; initializing: number; throttled: number; unhealthy: number; total: number };

export const ListWorkersResponseSchema = z
  .object({
    workers: z
      .array(WorkerSchema)
      .nullish()
      .transform((v) => v ?? []),
    summary: SummarySchema.nullish(),
    endpointVersion: nullableNumber,
  })
  .transform((v) => ({
    workers: v.workers,
    summary: v.summary ? { ...v.summary, total: v.summary.total ?? v.workers.length } : summarize(v.workers),
    summaryDerived: !v.summary,
    endpointVersion: v.endpointVersion,
  }));
export type ListWorkersResponse = z.infer<typeof ListWorkersResponseSchema>;

function summarize(workers: Worker[]): WorkerSummary {
  const s: WorkerSummary = { running: 0, idle: 0, initializing: 0, throttled: 0, unhealthy: 0, total: workers.length };
  for (const w of workers) {
    const k = w.status.toLowerCase();
    if (k === "running" || k === "idle" || k === "initializing" || k === "throttled" || k === "unhealthy") s[k]++;
  }
  return s;
}

// ---- log stream -------------------------------------------------------------

export type LogSource = "container" | "system";

/** The JSON `data:` of one SSE log event. Field names other than `line` are tolerated. */
export const LogEventDataSchema = z.looseObject({
  ts: optString,
  source: optString,
  line: optString,
  message: optString,
  text: optString,
  workerId: optString,
});

export interface LogLine {
  /** SSE event id: an opaque resume cursor (timestamp/sequence in practice). */
  id: string | null;
  /** ISO timestamp from the event, if any. */
  ts: string | null;
  source: string;
  text: string;
  workerId: string | null;
}
