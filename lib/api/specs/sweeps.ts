import { z } from "zod";
import { CRASH_LOOP_FLAG } from "@/lib/domain/crash/verdict";
import { defineRoute } from "@/lib/http/spec";
import { IsoDate } from "./common";
import { SWEEP_STATES, TRIAL_STATUSES } from "@/lib/domain/sweep/states";

// ───────────── enums ─────────────

export const SweepStateSchema = z.enum(SWEEP_STATES);
export type SweepState = z.infer<typeof SweepStateSchema>;

export { SWEEP_STATES, TRIAL_STATUSES };
export const TrialStatusSchema = z.enum(TRIAL_STATUSES);
export type TrialStatusName = z.infer<typeof TrialStatusSchema>;

export const SweepMethodSchema = z.enum(["grid", "random", "bayes"]);
export const MetricGoalSchema = z.enum(["minimize", "maximize"]);

const Id = z.string().min(1).max(128);
const Json = z.unknown();

// ───────────── DTOs ─────────────

export const SweepProgressDtoSchema = z.object({
  /** trials with a final outcome that counts (completed, failed, stopped) */
  done: z.number().int(),
  /** run_cap (which counts every attempt), else the grid size (which counts grid points), else null (open-ended) */
  total: z.number().int().nullable(),
  /** what done/total count: "attempts" (run_cap, open-ended) or "grid points" (a grid's latest attempt per point) */
  unit: z.enum(["attempts", "grid points"]),
  /** attempts beyond a trial's first (retries after a failure) */
  retries: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  /** submitting + queued (on RunPod, not started) */
  queued: z.number().int(),
  running: z.number().int(),
  pending: z.number().int(),
  /** expired in the queue without ever starting, or cancelled outside a sweep cancel: not counted as failures */
  expired: z.number().int(),
  cancelled: z.number().int(),
  stopped: z.number().int(),
});
export type SweepProgressDto = z.infer<typeof SweepProgressDtoSchema>;

export const SweepFlagDtoSchema = z.object({
  kind: z.literal(CRASH_LOOP_FLAG),
  /** queued jobs on the sweep's endpoint carrying the flag */
  queuedJobs: z.number().int(),
  message: z.string(),
});
export type SweepFlagDto = z.infer<typeof SweepFlagDtoSchema>;

export const SweepMetricDtoSchema = z.object({
  name: z.string(),
  goal: MetricGoalSchema,
  target: z.number().nullable(),
});

export const SweepSummaryDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  endpointId: z.string(),
  endpointName: z.string().nullable(),
  method: SweepMethodSchema,
  metric: SweepMetricDtoSchema,
  state: SweepStateSchema,
  stateReason: z.string().nullable(),
  progress: SweepProgressDtoSchema,
  bestValue: z.number().nullable(),
  bestTrialId: z.string().nullable(),
  flag: SweepFlagDtoSchema.nullable(),
  parallel: z.number().int(),
  createdBy: z.string().nullable(),
  createdAt: IsoDate,
  startedAt: IsoDate.nullable(),
  finishedAt: IsoDate.nullable(),
  updatedAt: IsoDate,
});
export type SweepSummaryDto = z.infer<typeof SweepSummaryDtoSchema>;

export const BestTrialDtoSchema = z.object({
  id: z.string(),
  number: z.number().int(),
  params: z.record(z.string(), Json),
  value: z.number(),
  jobId: z.string().nullable(),
  workerId: z.string().nullable(),
  finishedAt: IsoDate.nullable(),
});
export type BestTrialDto = z.infer<typeof BestTrialDtoSchema>;

export const SweepEtaDtoSchema = z.object({
  /** trials still to finish (null when the sweep is open-ended) */
  remaining: z.number().int().nullable(),
  /** finished trials per hour since the sweep started */
  ratePerHour: z.number().nullable(),
  /** null when unknown (no rate yet, open-ended, or the sweep is not running) */
  etaSeconds: z.number().nullable(),
  finishesAt: IsoDate.nullable(),
});
export type SweepEtaDto = z.infer<typeof SweepEtaDtoSchema>;

export const SweepDetailDtoSchema = SweepSummaryDtoSchema.extend({
  /** the normalised W&B-shaped config (incl. the `sweepwatch:` block) */
  config: z.record(z.string(), Json),
  configText: z.string().nullable(),
  runCap: z.number().int().nullable(),
  gridSize: z.number().int().nullable(),
  failedBudget: z.number().int(),
  failedCount: z.number().int(),
  seed: z.number().int(),
  metricPath: z.string().nullable(),
  inputTemplate: Json.nullable(),
  /** flattened parameter names (nested params as dotted paths), for table columns */
  paramNames: z.array(z.string()),
  eta: SweepEtaDtoSchema,
  best: BestTrialDtoSchema.nullable(),
  notes: z.string(),
  notesVersion: z.number().int(),
  /** Spend limits; reaching one pauses the sweep (null: no limit). */
  budget: z.object({ gpuSeconds: z.number().nullable(), usd: z.number().nullable() }),
});
export type SweepDetailDto = z.infer<typeof SweepDetailDtoSchema>;

export const TrialDtoSchema = z.object({
  id: z.string(),
  number: z.number().int(),
  status: TrialStatusSchema,
  params: z.record(z.string(), Json),
  value: z.number().nullable(),
  jobId: z.string().nullable(),
  attempt: z.number().int(),
  error: z.string().nullable(),
  workerId: z.string().nullable(),
  submittedAt: IsoDate.nullable(),
  startedAt: IsoDate.nullable(),
  finishedAt: IsoDate.nullable(),
  durationMs: z.number().nullable(),
});
export type TrialDto = z.infer<typeof TrialDtoSchema>;

export const SweepListDtoSchema = z.object({ sweeps: z.array(SweepSummaryDtoSchema), nextCursor: z.string().nullable() });
export type SweepListDto = z.infer<typeof SweepListDtoSchema>;

export const TrialPageDtoSchema = z.object({
  trials: z.array(TrialDtoSchema),
  nextCursor: z.string().nullable(),
  /** trials matching the filters (all pages) */
  total: z.number().int(),
});
export type TrialPageDto = z.infer<typeof TrialPageDtoSchema>;

export const NotesDtoSchema = z.object({ notes: z.string(), notesVersion: z.number().int(), updatedAt: IsoDate });
export type NotesDto = z.infer<typeof NotesDtoSchema>;

const HistoryPointSchema = z.object({
  /** trial number at the end of the bucket */
  number: z.number().int(),
  /** best metric within the bucket */
  value: z.number(),
  min: z.number(),
  max: z.number(),
  /** best-so-far over all trials up to the end of the bucket */
  best: z.number(),
  count: z.number().int(),
});
const DimensionSchema = z.object({
  key: z.string(),
  kind: z.enum(["numeric", "categorical"]),
  min: z.number().nullable(),
  max: z.number().nullable(),
  log: z.boolean(),
  /** categorical only: the distinct values, in order */
  values: z.array(z.string()).nullable(),
});
const ParallelRowSchema = z.object({
  id: z.string(),
  number: z.number().int(),
  value: z.number(),
  /** flattened params; categorical values as strings */
  params: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
});
const ImportanceSchema = z.object({
  param: z.string(),
  /** share of explained variance, normalised so the list sums to 1 (0 when nothing is explained) */
  importance: z.number(),
  /** raw effect size: eta² (categorical / binned numeric) */
  eta2: z.number(),
  /** Spearman rank correlation with the metric (numeric only) */
  correlation: z.number().nullable(),
});
const SliceSchema = z.object({
  param: z.string(),
  kind: z.enum(["numeric", "categorical"]),
  /** [x, value] pairs (x a string for categorical) */
  points: z.array(z.tuple([z.union([z.number(), z.string()]), z.number()])),
});
const TimelineItemSchema = z.object({
  id: z.string(),
  number: z.number().int(),
  status: TrialStatusSchema,
  submittedAt: IsoDate.nullable(),
  startedAt: IsoDate.nullable(),
  finishedAt: IsoDate.nullable(),
});

export const SweepAnalysisDtoSchema = z.object({
  metric: SweepMetricDtoSchema,
  totalTrials: z.number().int(),
  completedTrials: z.number().int(),
  /** completed trials used for parallel coordinates / importance / slices (a bounded, even sample) */
  sampledTrials: z.number().int(),
  history: z.object({ bucketSize: z.number().int(), points: z.array(HistoryPointSchema) }),
  parallel: z.object({ dimensions: z.array(DimensionSchema), rows: z.array(ParallelRowSchema) }),
  importance: z.array(ImportanceSchema),
  slices: z.array(SliceSchema),
  timeline: z.object({ truncated: z.boolean(), items: z.array(TimelineItemSchema) }),
});
export type SweepAnalysisDto = z.infer<typeof SweepAnalysisDtoSchema>;

// ───────────── inputs ─────────────

/** A sweep's spend limits: GPU-hours of its trials and/or USD (estimated from the GPU price table); null clears one. */
export const SweepBudgetBodySchema = z.strictObject({
  gpuHours: z.number().positive("must be more than 0").max(1_000_000).nullable().default(null),
  usd: z.number().positive("must be more than 0").max(10_000_000).nullable().default(null),
});

const intParam = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const CreateSweepBodySchema = z.object({
  endpointId: Id,
  name: z.string().trim().min(1, "must not be empty").max(255),
  /** W&B sweep config as an object, or as YAML/JSON text */
  config: z.union([z.string().min(1, "must not be empty").max(200_000), z.record(z.string(), Json)]),
  parallel: z.number().int().min(1).max(1000).optional(),
  failedBudget: z.number().int().min(0).max(100_000).optional(),
  inputTemplate: z.record(z.string(), Json).nullable().optional(),
  metricPath: z.string().min(1).max(512).nullable().optional(),
  seed: z.number().int().min(0).max(2_147_483_647).optional(),
  budget: SweepBudgetBodySchema.optional(),
});
export type CreateSweepBody = z.infer<typeof CreateSweepBodySchema>;

export const ListSweepsQuerySchema = z.object({
  limit: intParam(1, 200).default(50),
  cursor: z.string().max(200).optional(),
  endpointId: Id.optional(),
  state: z.union([SweepStateSchema, z.array(SweepStateSchema)]).optional(),
});

/** status: one value, repeated (`?status=a&status=b`) or comma-separated. */
const StatusFilter = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(",")).filter(Boolean))
  .pipe(z.array(TrialStatusSchema));

export const TrialFilterQuerySchema = z.object({
  status: StatusFilter.optional(),
  valueMin: z.coerce.number().optional(),
  valueMax: z.coerce.number().optional(),
});

/** Columns the trial table sorts by; `param:<dotted name>` sorts by one parameter's value. */
export const TRIAL_SORT_COLUMNS = ["number", "metric", "status", "error", "job", "duration", "finished"] as const;
export const TrialSortSchema = z.union([
  z.enum(TRIAL_SORT_COLUMNS),
  z.templateLiteral(["param:", z.string().min(1).max(200).regex(/^[^\u0000-\u001f]+$/)]),
]);
export type TrialSort = z.infer<typeof TrialSortSchema>;

export const ListTrialsQuerySchema = TrialFilterQuerySchema.extend({
  limit: intParam(1, 500).default(50),
  cursor: z.string().max(600).optional(),
  sort: TrialSortSchema.default("number"),
  /** default: newest first for number, best first for metric, ascending for the other columns */
  order: z.enum(["asc", "desc"]).optional(),
});
export type ListTrialsQuery = z.infer<typeof ListTrialsQuerySchema>;

export const ExportQuerySchema = TrialFilterQuerySchema.extend({ format: z.enum(["csv", "json"]).default("csv") });

export const AnalysisQuerySchema = z.object({ points: intParam(50, 5000).default(1000) });

export const NotesBodySchema = z.object({
  notes: z.string().max(100_000),
  /** the version the edit started from; a newer stored version answers 409 */
  notesVersion: z.number().int().min(0),
});

const SweepActionResultSchema = SweepDetailDtoSchema;

// ───────────── routes ─────────────

export const createSweepRoute = defineRoute({
  method: "POST",
  path: "/api/sweeps",
  summary: "Create a sweep from a W&B sweep config (object, YAML or JSON text)",
  tag: "sweeps",
  access: "engineer",
  body: CreateSweepBodySchema,
  response: SweepDetailDtoSchema,
  successStatus: 201,
  errors: [404, 422],
});

export const listSweepsRoute = defineRoute({
  method: "GET",
  path: "/api/sweeps",
  summary: "List sweeps (newest first) with state, progress, best value and the crash-loop flag",
  tag: "sweeps",
  access: "viewer",
  query: ListSweepsQuerySchema,
  response: SweepListDtoSchema,
});

export const getSweepRoute = defineRoute({
  method: "GET",
  path: "/api/sweeps/{id}",
  summary: "One sweep: state, progress, ETA, best trial",
  tag: "sweeps",
  access: "viewer",
  response: SweepDetailDtoSchema,
  errors: [404],
});

export const listTrialsRoute = defineRoute({
  method: "GET",
  path: "/api/sweeps/{id}/trials",
  summary: "Trials of a sweep: keyset-paginated, sort by number or metric, filter by status and metric range",
  tag: "sweeps",
  access: "viewer",
  query: ListTrialsQuerySchema,
  response: TrialPageDtoSchema,
  errors: [404],
});

const action = (verb: "pause" | "resume" | "stop" | "cancel", summary: string) =>
  defineRoute({
    method: "POST",
    path: `/api/sweeps/{id}/${verb}`,
    summary,
    tag: "sweeps",
    access: "engineer",
    response: SweepActionResultSchema,
    errors: [404, 409],
  });

export const pauseSweepRoute = action("pause", "Pause: submit no new trials; trials in flight go on");
export const resumeSweepRoute = action("resume", "Resume a paused sweep");
export const stopSweepRoute = action("stop", "Stop: submit no new trials, let running ones finish");
export const cancelSweepRoute = action("cancel", "Cancel: cancel the RunPod jobs of every trial in flight");

export const putNotesRoute = defineRoute({
  method: "PUT",
  path: "/api/sweeps/{id}/notes",
  summary: "Replace the Markdown notes; refuses (409) when the stored notes are newer than notesVersion",
  tag: "sweeps",
  access: "engineer",
  body: NotesBodySchema,
  response: NotesDtoSchema,
  errors: [404, 409],
});

export const exportTrialsRoute = defineRoute({
  method: "GET",
  path: "/api/sweeps/{id}/export",
  summary: "All (or filtered) trials as CSV or JSON, streamed",
  tag: "sweeps",
  access: "viewer",
  query: ExportQuerySchema,
  produces: "text/csv",
  errors: [404],
});

export const sweepAnalysisRoute = defineRoute({
  method: "GET",
  path: "/api/sweeps/{id}/analysis",
  summary: "History with best-so-far, parallel coordinates, parameter importance, slices and timeline (downsampled)",
  tag: "sweeps",
  access: "viewer",
  query: AnalysisQuerySchema,
  response: SweepAnalysisDtoSchema,
  errors: [404],
});
