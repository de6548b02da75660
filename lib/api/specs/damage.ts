import { z } from "zod";
import { defineRoute } from "@/lib/http/spec";
import { GpuPriceTableSchema } from "@/lib/domain/cost/gpu-prices";

export const IncidentCostDtoSchema = z.object({
  incidentId: z.string(),
  endpointId: z.string(),
  state: z.string(),
  computedAt: z.string(),
  evidenceAt: z.string().nullable(),
  pricesOrigin: z.enum(["default", "edited"]),
  windowStart: z.string(),
  windowEnd: z.string(),
  running: z.boolean(),
  wastedGpuSeconds: z.number(),
  estimatedUsd: z.number(),
  unpricedGpuSeconds: z.number(),
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
  estimate: z.object({ source: z.string(), asOf: z.string(), tier: z.literal("flex") }),
});

export const GpuPricesDtoSchema = z.object({ table: GpuPriceTableSchema, origin: z.enum(["default", "edited"]), updatedAt: z.string().nullable() });

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
