import { z } from "zod";
import { defineRoute } from "@/lib/http/spec";
import { DateTimeParam, IsoDate } from "./common";

// ───────────── DTOs (shared by route handlers, server components and lib/queries) ─────────────

export const EndpointIdSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(128, "must be at most 128 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "may contain letters, digits, '-' and '_' (starting with a letter or digit)");

/** A /health counter; null = RunPod did not report it (shown as "not reported", never as 0). */
const Counter = z.number().nullable();

/** One /health answer as stored. */
export const SnapshotDtoSchema = z.object({
  takenAt: IsoDate,
  jobs: z.object({ inQueue: Counter, inProgress: Counter, completed: Counter, failed: Counter, retried: Counter }),
  workers: z.object({
    idle: Counter,
    initializing: Counter,
    ready: Counter,
    running: Counter,
    throttled: Counter,
    unhealthy: Counter,
  }),
});
export type SnapshotDto = z.infer<typeof SnapshotDtoSchema>;

/** One point of the last hour's queue depth (per-minute average), for sparklines. */
export const SparkPointDtoSchema = z.object({ t: IsoDate, inQueue: z.number() });
export type SparkPointDto = z.infer<typeof SparkPointDtoSchema>;

export const EndpointSummaryDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  displayName: z.string().nullable(),
  source: z.enum(["discovered", "manual"]),
  paused: z.boolean(),
  /** RunPod's endpoint type: QUEUE, or LOAD_BALANCER (listed, never polled: it has no queue API). */
  type: z.string(),
  /** Since when /health answers 404 (deleted or mistyped endpoint); its open jobs are not expired. */
  missingSince: IsoDate.nullable(),
  image: z.string().nullable(),
  lastPolledAt: IsoDate.nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: IsoDate.nullable(),
  latestSnapshot: SnapshotDtoSchema.nullable(),
  /** Seconds between the latest snapshot and the time of this answer (`generatedAt`). */
  snapshotAgeSeconds: z.number().nullable(),
  /** Tracked jobs by RunPod status (plus EXPIRED / UNKNOWN). */
  jobCounts: z.record(z.string(), z.number()),
  /** Workers currently listed (not gone) by RunPod status. */
  workerCounts: z.record(z.string(), z.number()),
  /** Jobs flagged by detection (e.g. random_device_crash_loop). */
  flaggedJobs: z.number(),
  queueSparkline: z.array(SparkPointDtoSchema),
});
export type EndpointSummaryDto = z.infer<typeof EndpointSummaryDtoSchema>;

export const EndpointListDtoSchema = z.object({ endpoints: z.array(EndpointSummaryDtoSchema), generatedAt: IsoDate });
export type EndpointListDto = z.infer<typeof EndpointListDtoSchema>;

export const EndpointDetailDtoSchema = EndpointSummaryDtoSchema.extend({
  gpuTypes: z.array(z.string()),
  workersMin: z.number().nullable(),
  workersMax: z.number().nullable(),
  idleTimeout: z.number().nullable(),
  configVersion: z.string().nullable(),
  createdAt: IsoDate,
  recentErrors: z.array(z.object({ at: IsoDate, operation: z.string(), httpStatus: z.number().nullable(), message: z.string() })),
  generatedAt: IsoDate,
});
export type EndpointDetailDto = z.infer<typeof EndpointDetailDtoSchema>;

export const SnapshotPointDtoSchema = z.object({
  /** Start of the point's time window. */
  t: IsoDate,
  jobsInQueue: Counter,
  jobsInQueueMax: Counter,
  jobsInProgress: Counter,
  workersIdle: Counter,
  workersRunning: Counter,
  workersInitializing: Counter,
  workersThrottled: Counter,
  workersUnhealthy: Counter,
  /** Raw snapshots (or bucketed snapshots) averaged into this point. */
  samples: z.number(),
  /** True when the point comes from retention's 1-minute buckets because raw snapshots were deleted. */
  downsampled: z.boolean(),
});
export type SnapshotPointDto = z.infer<typeof SnapshotPointDtoSchema>;

export const SnapshotSeriesDtoSchema = z.object({
  endpointId: z.string(),
  from: IsoDate,
  to: IsoDate,
  /** Width of one point's window in seconds. */
  stepSeconds: z.number(),
  points: z.array(SnapshotPointDtoSchema),
  /** True when any point comes from downsampled buckets. */
  downsampled: z.boolean(),
});
export type SnapshotSeriesDto = z.infer<typeof SnapshotSeriesDtoSchema>;

export const WorkerDtoSchema = z.object({
  id: z.string(),
  endpointId: z.string(),
  status: z.string(),
  startedAt: IsoDate.nullable(),
  uptimeSeconds: z.number().nullable(),
  image: z.string().nullable(),
  version: z.string().nullable(),
  restartCount: z.number(),
  lastRestartAt: IsoDate.nullable(),
  lastExit: z.object({ at: IsoDate, exitCode: z.number().nullable(), signal: z.string().nullable() }).nullable(),
  firstSeenAt: IsoDate,
  lastSeenAt: IsoDate,
  goneAt: IsoDate.nullable(),
  /** True when sweepwatch stored log lines of this worker. */
  hasLogs: z.boolean(),
});
export type WorkerDto = z.infer<typeof WorkerDtoSchema>;

export const WorkerListDtoSchema = z.object({ endpointId: z.string(), workers: z.array(WorkerDtoSchema), generatedAt: IsoDate });
export type WorkerListDto = z.infer<typeof WorkerListDtoSchema>;

// ───────────── input ─────────────

const DisplayName = z.string().trim().max(255, "must be at most 255 characters");

export const AddEndpointBodySchema = z.object({
  id: EndpointIdSchema,
  displayName: DisplayName.optional().nullable(),
});

export const UpdateEndpointBodySchema = z
  .object({
    paused: z.boolean().optional(),
    displayName: DisplayName.optional().nullable(),
  })
  .refine((b) => b.paused !== undefined || b.displayName !== undefined, { message: "give paused and/or displayName" });

export const SnapshotsQuerySchema = z.object({
  from: DateTimeParam.optional(),
  to: DateTimeParam.optional(),
  points: z.coerce.number().int().min(2, "must be at least 2").max(2000, "must be at most 2000").optional(),
});

// ───────────── routes ─────────────

export const listEndpointsRoute = defineRoute({
  method: "GET",
  path: "/api/endpoints",
  summary:
    "Every watched endpoint with its latest health snapshot and that snapshot's age, job counts by status, workers by status, paused flag, last poll error and the last hour's queue depth.",
  tag: "endpoints",
  access: "viewer",
  response: EndpointListDtoSchema,
});

export const addEndpointRoute = defineRoute({
  method: "POST",
  path: "/api/endpoints",
  summary: "Adds an endpoint to watch by hand (RunPod endpoint id and a display name). An existing endpoint keeps its data; only its display name changes.",
  tag: "endpoints",
  access: "admin",
  body: AddEndpointBodySchema,
  response: z.object({ endpoint: EndpointDetailDtoSchema }),
  successStatus: 201,
  maxBodyBytes: 8 * 1024,
});

export const getEndpointRoute = defineRoute({
  method: "GET",
  path: "/api/endpoints/{id}",
  summary: "One endpoint: configuration, latest snapshot and age, job and worker counts, recent poll errors.",
  tag: "endpoints",
  access: "viewer",
  response: z.object({ endpoint: EndpointDetailDtoSchema }),
  errors: [404],
});

export const updateEndpointRoute = defineRoute({
  method: "PATCH",
  path: "/api/endpoints/{id}",
  summary: "Pauses or resumes polling of an endpoint and/or changes its display name.",
  tag: "endpoints",
  access: "admin",
  body: UpdateEndpointBodySchema,
  response: z.object({ endpoint: EndpointDetailDtoSchema }),
  maxBodyBytes: 8 * 1024,
  errors: [404],
});

export const listSnapshotsRoute = defineRoute({
  method: "GET",
  path: "/api/endpoints/{id}/snapshots",
  summary:
    "Health snapshots of an endpoint in [from, to] (default: the last hour), averaged into at most `points` windows (default 120). Where retention already replaced raw snapshots by 1-minute buckets, points come from the buckets and carry `downsampled: true`.",
  tag: "endpoints",
  access: "viewer",
  query: SnapshotsQuerySchema,
  response: SnapshotSeriesDtoSchema,
  errors: [404],
});

export const listWorkersRoute = defineRoute({
  method: "GET",
  path: "/api/endpoints/{id}/workers",
  summary: "Workers of an endpoint (current first, then gone ones): state, restarts, last exit, image, start time.",
  tag: "endpoints",
  access: "viewer",
  response: WorkerListDtoSchema,
  errors: [404],
});
