import { z } from "zod";
import { defineRoute } from "@/lib/http/spec";
import { GpuPriceTableSchema } from "@/lib/domain/cost/gpu-prices";
import { SweepBudgetBodySchema } from "./sweeps";

const WasteFields = {
  windowStart: z.string(),
  windowEnd: z.string(),
  running: z.boolean(),
  wastedGpuSeconds: z.number(),
  estimatedUsd: z.number(),
  unpricedGpuSeconds: z.number(),
};
const Estimate = z.object({ source: z.string(), asOf: z.string(), tier: z.literal("flex") });
const PricesOrigin = z.enum(["default", "edited"]);
/** Workers that crashed or never took a job, with what they cost (lib/domain/cost/gpu-prices.ts WasteSummary). */
const WasteSummaryFields = {
  ...WasteFields,
  workers: z.array(
    z.object({
      workerId: z.string(),
      gpuTypeId: z.string().nullable(),
      gpuSeconds: z.number(),
      reason: z.enum(["crashed", "never_took_a_job"]),
      priceLabel: z.string().nullable(),
      estimatedUsd: z.number().nullable(),
    }),
  ),
  estimate: Estimate,
};

export const IncidentCostDtoSchema = z.object({
  incidentId: z.string(),
  endpointId: z.string(),
  crashGroupId: z.string().nullable(),
  state: z.string(),
  computedAt: z.string(),
  evidenceAt: z.string().nullable(),
  pricesOrigin: PricesOrigin,
  ...WasteSummaryFields,
});

export const EndpointCostDtoSchema = z.object({
  endpointId: z.string(),
  computedAt: z.string(),
  evidenceAt: z.string().nullable(),
  pricesOrigin: PricesOrigin,
  windowHours: z.number(),
  ...WasteSummaryFields,
});

export type EndpointCostDto = z.infer<typeof EndpointCostDtoSchema>;

const GpuTimeFigure = z.object({ gpuSeconds: z.number(), estimatedUsd: z.number(), unpricedGpuSeconds: z.number() });
export const SweepCostDtoSchema = z.object({
  sweepId: z.string(),
  endpointId: z.string(),
  computedAt: z.string(),
  pricesOrigin: PricesOrigin,
  estimate: Estimate,
  trials: z.object({ useful: GpuTimeFigure, wasted: GpuTimeFigure, running: GpuTimeFigure, total: GpuTimeFigure, attemptsCounted: z.number().int() }),
  endpointWaste: z.object(WasteFields).nullable(),
  budget: z.object({ gpuSeconds: z.number().nullable(), usd: z.number().nullable(), reached: z.string().nullable() }),
});

export type SweepCostDto = z.infer<typeof SweepCostDtoSchema>;

export const GpuPricesDtoSchema = z.object({ table: GpuPriceTableSchema, origin: PricesOrigin, updatedAt: z.string().nullable() });

export const MaxWorkersStateDtoSchema = z.object({
  endpointId: z.string(),
  state: z.enum(["normal", "zeroing", "zeroed", "restoring"]),
  previousMax: z.number().nullable(),
  changedAt: z.string().nullable(),
  changedBy: z.string().nullable(),
});

export const MaxWorkersActionBodySchema = z.strictObject({
  action: z.enum(["zero", "restore"]),
  /** The incident the action was taken from, for the audit entry. */
  incidentId: z.string().regex(/^\d{1,19}$/).optional(),
});

export const getIncidentCostRoute = defineRoute({
  method: "GET",
  path: "/api/incidents/{id}/cost",
  summary:
    "Cost of failure of an incident: GPU-seconds of workers that crashed or never took a job since it opened, and an ESTIMATE in USD from the GPU price table. A running total while open; fixed once resolved.",
  tag: "damage",
  access: "viewer",
  response: IncidentCostDtoSchema,
  errors: [404],
});

export const getGpuPricesRoute = defineRoute({
  method: "GET",
  path: "/api/admin/gpu-prices",
  summary: "The per-second GPU price table used for cost estimates (the dated default until an admin edits it).",
  tag: "damage",
  access: "viewer",
  response: GpuPricesDtoSchema,
});

export const putGpuPricesRoute = defineRoute({
  method: "PUT",
  path: "/api/admin/gpu-prices",
  summary: "Replace the GPU price table (admin). Audited.",
  tag: "damage",
  access: "admin",
  body: GpuPriceTableSchema,
  response: GpuPricesDtoSchema,
});

export const getMaxWorkersRoute = defineRoute({
  method: "GET",
  path: "/api/endpoints/{id}/max-workers",
  summary: "Whether sweepwatch has set this endpoint's max workers to 0, and the value a restore sends back.",
  tag: "damage",
  access: "viewer",
  response: MaxWorkersStateDtoSchema,
  errors: [404],
});

export const maxWorkersActionRoute = defineRoute({
  method: "POST",
  path: "/api/endpoints/{id}/max-workers",
  summary:
    "Stop the burn: `zero` reads the endpoint's current max workers from RunPod, then sends one PATCH /v2/serverless/{id} with workers.max 0; `restore` sends one PATCH with the value saved then. On-call or admin; audited; a repeat is refused with 409 and sends nothing.",
  tag: "damage",
  access: "oncall",
  body: MaxWorkersActionBodySchema,
  response: MaxWorkersStateDtoSchema,
  errors: [404, 409, 503],
});

export const PurgeDtoSchema = z.object({
  id: z.string(),
  endpointId: z.string(),
  incidentId: z.string().nullable(),
  requestedBy: z.string(),
  requestedAt: z.string(),
  removed: z.number().nullable(),
  resubmitRequestedAt: z.string().nullable(),
  resubmitRequestedBy: z.string().nullable(),
  jobs: z.array(
    z.object({
      jobId: z.string(),
      state: z.enum(["kept", "resubmitted", "outcome_unknown", "failed", "pending"]),
      newJobId: z.string().nullable(),
      error: z.string().nullable(),
    }),
  ),
});

const IncidentRefSchema = z.string().regex(/^\d{1,19}$/).optional();

export const purgeQueueRoute = defineRoute({
  method: "POST",
  path: "/api/endpoints/{id}/purge-queue",
  summary:
    "Stop the burn: records the ids and inputs of the endpoint's IN_QUEUE jobs that sweepwatch tracks, then calls RunPod's /purge-queue once (running jobs go on). Jobs queued by others are removed too and cannot be resubmitted. On-call or admin; audited.",
  tag: "damage",
  access: "oncall",
  body: z.strictObject({ incidentId: IncidentRefSchema }),
  response: PurgeDtoSchema,
  successStatus: 201,
  errors: [404, 503],
});

export const listPurgesRoute = defineRoute({
  method: "GET",
  path: "/api/endpoints/{id}/purges",
  summary: "The endpoint's recent queue purges (newest first) with each kept job's resubmission state.",
  tag: "damage",
  access: "viewer",
  response: z.object({ purges: z.array(PurgeDtoSchema) }),
  errors: [404],
});

export const resubmitPurgedRoute = defineRoute({
  method: "POST",
  path: "/api/purges/{id}/resubmit",
  summary:
    "Resubmit the purged jobs, each exactly once (intent recorded before each /run; a job whose outcome is unknown is never sent again). A second request is refused with 409. On-call or admin; audited.",
  tag: "damage",
  access: "oncall",
  response: PurgeDtoSchema,
  errors: [404, 409],
  timeoutMs: 120_000,
});

export const pauseEndpointSweepsRoute = defineRoute({
  method: "POST",
  path: "/api/endpoints/{id}/pause-sweeps",
  summary:
    "Stop the burn: pauses every pending/running sweep on the endpoint (no new trials). queuedTrials `keep` sends nothing to RunPod; `cancel` cancels each queued trial's job. On-call or admin; audited per sweep.",
  tag: "damage",
  access: "oncall",
  body: z.strictObject({ queuedTrials: z.enum(["keep", "cancel"]), incidentId: IncidentRefSchema }),
  response: z.object({
    endpointId: z.string(),
    paused: z.array(z.object({ id: z.string(), name: z.string(), from: z.string(), keptQueued: z.number(), cancelledQueued: z.number() })),
  }),
  errors: [404],
});

export const DamagePolicyDtoSchema = z.object({ endpointId: z.string(), autoPauseSweeps: z.boolean(), origin: z.enum(["default", "set"]), updatedAt: z.string().nullable() });

export const getDamagePolicyRoute = defineRoute({
  method: "GET",
  path: "/api/endpoints/{id}/damage-policy",
  summary: "The endpoint's damage policy: autoPauseSweeps (on by default) pauses its sweeps while a crash loop is open and resumes them when it resolves.",
  tag: "damage",
  access: "viewer",
  response: DamagePolicyDtoSchema,
  errors: [404],
});

export const putDamagePolicyRoute = defineRoute({
  method: "PUT",
  path: "/api/endpoints/{id}/damage-policy",
  summary: "Turn the endpoint's automatic sweep pause on or off. On-call or admin; audited.",
  tag: "damage",
  access: "oncall",
  body: z.strictObject({ autoPauseSweeps: z.boolean() }),
  response: DamagePolicyDtoSchema,
  errors: [404],
});

const SettingsSchema = z.object({ image: z.string().nullable(), templateId: z.string().nullable(), envNames: z.array(z.string()), flags: z.record(z.string(), z.unknown()) });
const WorkerSideSchema = z.object({
  role: z.enum(["last_good", "first_crashed"]),
  workerId: z.string(),
  at: z.string(),
  jobId: z.string().nullable(),
  image: z.string().nullable(),
  endpointVersion: z.string().nullable(),
  gpuTypeId: z.string().nullable(),
  dataCenterId: z.string().nullable(),
  cudaVersion: z.string().nullable(),
  startupSeconds: z.number().nullable(),
  settings: SettingsSchema.nullable(),
  settingsAt: z.string().nullable(),
});

export const CrashGroupDiffDtoSchema = z.object({
  groupId: z.string(),
  endpointId: z.string(),
  lastGood: WorkerSideSchema.nullable(),
  firstCrashed: WorkerSideSchema.nullable(),
  changed: z.array(z.object({ field: z.string(), lastGood: z.unknown(), firstCrashed: z.unknown() })),
  introducedBy: z.object({ at: z.string(), changedBy: z.string().nullable(), fields: z.array(z.string()) }).nullable(),
  missing: z.array(z.string()),
});

export const crashGroupDiffRoute = defineRoute({
  method: "GET",
  path: "/api/crash-groups/{id}/diff",
  summary:
    "What changed: the last worker that completed a job next to the first worker of this crash group that crashed after it (image, endpointVersion, GPU, data center, CUDA where known, start-up time, endpoint settings with env variable names only), and the recorded settings change between them.",
  tag: "damage",
  access: "viewer",
  response: CrashGroupDiffDtoSchema,
  errors: [404],
});

export const getEndpointCostRoute = defineRoute({
  method: "GET",
  path: "/api/endpoints/{id}/cost",
  summary:
    "Cost of failure of an endpoint over the last `hours` (default 24, max 720): GPU-seconds of workers that crashed or never took a job, and an ESTIMATE in USD from the GPU price table.",
  tag: "damage",
  access: "viewer",
  query: z.object({ hours: z.coerce.number().int().min(1).max(720).default(24) }),
  response: EndpointCostDtoSchema,
  errors: [404],
});

export const getSweepCostRoute = defineRoute({
  method: "GET",
  path: "/api/sweeps/{id}/cost",
  summary:
    "GPU time of a sweep's trials split into useful (completed), wasted (started, then failed / stopped / cancelled) and running, with USD estimates; the endpoint's crash waste while the sweep ran; and the sweep's budget.",
  tag: "damage",
  access: "viewer",
  response: SweepCostDtoSchema,
  errors: [404],
});

export const putSweepBudgetRoute = defineRoute({
  method: "PUT",
  path: "/api/sweeps/{id}/budget",
  summary: "Set or clear a sweep's GPU-hour and/or USD budget (engineer). Reaching either pauses the sweep; a paused-at-budget sweep resumes only once the budget is raised. Audited.",
  tag: "damage",
  access: "engineer",
  body: SweepBudgetBodySchema,
  response: SweepCostDtoSchema,
  errors: [404, 422],
});
