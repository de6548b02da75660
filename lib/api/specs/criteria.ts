import { z } from "zod";
import { defineRoute } from "@/lib/http/spec";
import { IsoDate } from "./common";
import { EndpointIdSchema } from "./endpoints";

// ───────────── DTOs (route handlers, server components and lib/queries share them) ─────────────

export const HorizonSchema = z.enum(["immediate", "short_term", "long_term"]);
export const CriterionStateSchema = z.enum(["pass", "fail", "pending", "unknown"]);
export const RuleNameSchema = z.enum([
  "no_crash_since_rollout",
  "health_responds",
  "smoke_job_passed",
  "sweep_completed",
  "job_success_rate",
  "quiet_period",
  "production_ready",
  "attestation",
  "smoke_before_traffic",
]);

export const EvidenceDtoSchema = z.object({
  kind: z.enum(["crash", "log_line", "health_snapshot", "job", "sweep", "incident", "smoke_run", "attestation", "worker_event", "endpoint"]),
  id: z.string(),
  endpointId: z.string().optional(),
  at: IsoDate.optional(),
  label: z.string(),
  href: z.string().optional(),
});
export type EvidenceDto = z.infer<typeof EvidenceDtoSchema>;

export const CriterionDtoSchema = z.object({
  id: z.string(),
  key: z.string(),
  horizon: HorizonSchema,
  title: z.string(),
  description: z.string(),
  /** null = all endpoints */
  endpointId: z.string().nullable(),
  rule: z.string(),
  ruleDescription: z.string(),
  params: z.record(z.string(), z.unknown()),
  enabled: z.boolean(),
  state: CriterionStateSchema,
  since: IsoDate.nullable(),
  evaluatedAt: IsoDate.nullable(),
  summary: z.string(),
  evidence: z.array(EvidenceDtoSchema),
  /** Newest time among the evidence: the age of what the state rests on (null: no timed evidence). */
  evidenceAt: IsoDate.nullable(),
  /** Quiet-period style criteria: when it passes if nothing happens. */
  countdownEndsAt: IsoDate.nullable(),
  resetReason: z.string().nullable(),
});
export type CriterionDto = z.infer<typeof CriterionDtoSchema>;

export const HistoryRowDtoSchema = z.object({ at: IsoDate, state: CriterionStateSchema });
export const HistoryPointDtoSchema = HistoryRowDtoSchema.extend({ summary: z.string() });

export const CriterionWithHistoryDtoSchema = CriterionDtoSchema.extend({
  /** Evaluations of the last `days` days, oldest first (for the day bars). */
  history: z.array(HistoryRowDtoSchema),
  /** All-endpoints criteria without an endpoint filter: each endpoint's own latest verdict. */
  perEndpoint: z.array(z.object({ endpointId: z.string(), state: CriterionStateSchema })),
});
export type CriterionWithHistoryDto = z.infer<typeof CriterionWithHistoryDtoSchema>;

export const CriteriaListDtoSchema = z.object({
  criteria: z.array(CriterionWithHistoryDtoSchema),
  /** Endpoints for the filter (id and display name). */
  endpoints: z.array(z.object({ id: z.string(), name: z.string() })),
  endpointId: z.string().nullable(),
  days: z.number().int(),
  /** Newest evaluation of any criterion shown, null before the first. */
  evaluatedAt: IsoDate.nullable(),
  generatedAt: IsoDate,
});
export type CriteriaListDto = z.infer<typeof CriteriaListDtoSchema>;

export const AttestationDtoSchema = z.object({ id: z.string(), by: z.string(), at: IsoDate, link: z.string().nullable(), note: z.string().nullable() });

export const CriterionDetailDtoSchema = z.object({
  criterion: CriterionDtoSchema,
  /** Newest first. */
  history: z.array(HistoryPointDtoSchema),
  attestations: z.array(AttestationDtoSchema),
});
export type CriterionDetailDto = z.infer<typeof CriterionDetailDtoSchema>;

export const CriteriaQuerySchema = z.object({
  endpointId: EndpointIdSchema.optional(),
  days: z.coerce.number().int().min(1).max(90).default(28),
});

const ParamsSchema = z.record(z.string(), z.unknown());
const HttpLink = z
  .string()
  .trim()
  .max(2000)
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === "http:" || u.protocol === "https:";
    } catch {
      return false;
    }
  }, "must be an http(s) URL");

export const CreateCriterionBodySchema = z.strictObject({
  key: z.string().trim().min(1).max(128).regex(/^[a-z0-9][a-z0-9-]*$/, "lower-case letters, digits and '-'").optional(),
  horizon: HorizonSchema,
  title: z.string().trim().min(1).max(255),
  description: z.string().max(5000).optional(),
  endpointId: EndpointIdSchema.nullable().optional(),
  rule: RuleNameSchema,
  params: ParamsSchema.optional(),
});
export type CreateCriterionBody = z.infer<typeof CreateCriterionBodySchema>;

export const UpdateCriterionBodySchema = z
  .strictObject({
    title: z.string().trim().min(1).max(255).optional(),
    description: z.string().max(5000).optional(),
    horizon: HorizonSchema.optional(),
    enabled: z.boolean().optional(),
    params: ParamsSchema.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, "nothing to change");
export type UpdateCriterionBody = z.infer<typeof UpdateCriterionBodySchema>;

export const AttestBodySchema = z.strictObject({
  link: HttpLink.nullable().optional(),
  note: z.string().max(5000).nullable().optional(),
});
export type AttestBody = z.infer<typeof AttestBodySchema>;

export const EvaluateResultDtoSchema = z.object({ evaluations: z.number().int(), at: IsoDate });

export const SmokeRunDtoSchema = z.object({
  id: z.string(),
  endpointId: z.string(),
  image: z.string().nullable(),
  /** Deployment key: "version:<endpoint config version>" or "image:<image>". */
  deployment: z.string().nullable(),
  jobId: z.string().nullable(),
  trigger: z.string(),
  status: z.string(),
  ok: z.boolean().nullable(),
  error: z.string().nullable(),
  submittedAt: IsoDate,
  finishedAt: IsoDate.nullable(),
});
export type SmokeRunDto = z.infer<typeof SmokeRunDtoSchema>;

export const SmokeNowBodySchema = z.strictObject({ endpointId: EndpointIdSchema });

const JsonObject = z.record(z.string(), z.unknown());
export const SmokeSettingsBodySchema = z.strictObject({
  endpointId: EndpointIdSchema,
  /** true: sweepwatch may send `input` to this endpoint on a schedule and on each new deployment. */
  optIn: z.boolean(),
  /** The job input, as the handler expects it (e.g. its test_input.json "input"). Required to opt in. */
  input: JsonObject.nullable().optional(),
  /** Expected-output check: dot paths into `output` → expected value or {$type,$min,$max,$exists}. null: COMPLETED is enough. */
  expect: JsonObject.nullable().optional(),
});
export const SmokeSettingsDtoSchema = z.object({ endpointId: z.string(), optIn: z.boolean(), input: JsonObject.nullable(), expect: JsonObject.nullable() });

// ───────────── overview (home page) ─────────────

export const OverviewDtoSchema = z.object({
  generatedAt: IsoDate,
  /** Newest health snapshot of any endpoint and the poller's last tick: how fresh this page is. */
  dataAge: z.object({ newestSnapshotAt: IsoDate.nullable(), pollerLastTickAt: IsoDate.nullable() }),
  incidents: z.object({
    open: z.number().int(),
    items: z.array(
      z.object({
        id: z.string(),
        endpointId: z.string(),
        endpointName: z.string(),
        title: z.string(),
        signature: z.string(),
        state: z.enum(["open", "acknowledged"]),
        openedAt: IsoDate,
        acknowledgedBy: z.string().nullable(),
      }),
    ),
  }),
  flaggedJobs: z.object({
    total: z.number().int(),
    byEndpoint: z.array(z.object({ endpointId: z.string(), endpointName: z.string(), count: z.number().int() })),
    items: z.array(z.object({ id: z.string(), endpointId: z.string(), status: z.string(), flag: z.string(), submittedAt: IsoDate.nullable(), sweepId: z.string().nullable() })),
  }),
  endpoints: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      paused: z.boolean(),
      health: z.enum(["healthy", "crash_looping", "degraded", "no_workers", "unknown", "paused"]),
      healthText: z.string(),
      inQueue: z.number().int().nullable(),
      inProgress: z.number().int().nullable(),
      workersReady: z.number().int().nullable(),
      workersUnhealthy: z.number().int().nullable(),
      flaggedJobs: z.number().int(),
      openIncidents: z.number().int(),
      snapshotAt: IsoDate.nullable(),
      lastError: z.string().nullable(),
    }),
  ),
  sweeps: z.object({
    running: z.number().int(),
    items: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        endpointId: z.string(),
        state: z.string(),
        done: z.number().int(),
        total: z.number().int().nullable(),
        failed: z.number().int(),
        bestValue: z.number().nullable(),
        metricName: z.string(),
        flagged: z.boolean(),
      }),
    ),
  }),
  criteria: z.object({
    total: z.number().int(),
    evaluatedAt: IsoDate.nullable(),
    byHorizon: z.array(
      z.object({
        horizon: HorizonSchema,
        total: z.number().int(),
        counts: z.object({ pass: z.number().int(), fail: z.number().int(), pending: z.number().int(), unknown: z.number().int() }),
      }),
    ),
    failing: z.array(z.object({ id: z.string(), title: z.string(), horizon: HorizonSchema, summary: z.string() })),
  }),
});
export type OverviewDto = z.infer<typeof OverviewDtoSchema>;

// ───────────── routes ─────────────

const IdParam = "Criterion id (digits).";

export const listCriteriaRoute = defineRoute({
  method: "GET",
  path: "/api/criteria",
  summary: "Every success criterion with horizon, title, state, since, summary, evidence, countdown and the last `days` of history; ?endpointId shows one endpoint's view.",
  tag: "criteria",
  access: "viewer",
  query: CriteriaQuerySchema,
  response: CriteriaListDtoSchema,
});

export const createCriterionRoute = defineRoute({
  method: "POST",
  path: "/api/criteria",
  summary: "Creates a criterion from the typed rule set (admin); params are validated against the rule (422 names the field). Evaluated at once.",
  tag: "criteria",
  access: "admin",
  body: CreateCriterionBodySchema,
  response: CriterionDtoSchema,
  successStatus: 201,
  errors: [409],
});

export const getCriterionRoute = defineRoute({
  method: "GET",
  path: "/api/criteria/{id}",
  summary: `One criterion with its history (newest first) and attestations. ${IdParam}`,
  tag: "criteria",
  access: "viewer",
  query: z.object({ endpointId: EndpointIdSchema.optional() }),
  response: CriterionDetailDtoSchema,
  errors: [404],
});

export const updateCriterionRoute = defineRoute({
  method: "PATCH",
  path: "/api/criteria/{id}",
  summary: "Edits a criterion's params (validated by its rule: 422 with the path), title, horizon or enabled flag (admin). Re-evaluated at once.",
  tag: "criteria",
  access: "admin",
  body: UpdateCriterionBodySchema,
  response: CriterionDtoSchema,
  errors: [404],
});

export const attestCriterionRoute = defineRoute({
  method: "POST",
  path: "/api/criteria/{id}/attest",
  summary: "Records a manual attestation {link, note} for an attestation criterion: who = the caller, when = now (engineer or admin).",
  tag: "criteria",
  access: "engineer",
  body: AttestBodySchema,
  response: CriterionDetailDtoSchema,
  successStatus: 201,
  errors: [404, 409],
});

export const evaluateCriteriaRoute = defineRoute({
  method: "POST",
  path: "/api/criteria/evaluate",
  summary: "Evaluates every criterion now (the poller also does every minute). Recomputes derived state only, so any signed-in role may.",
  tag: "criteria",
  access: "viewer",
  response: EvaluateResultDtoSchema,
});

export const criteriaReportRoute = defineRoute({
  method: "GET",
  path: "/api/criteria/report.md",
  summary: "The criteria as a Markdown report for a weekly update (state, since, summary, evidence, 4-week trend).",
  tag: "criteria",
  access: "viewer",
  query: CriteriaQuerySchema,
  produces: "text/markdown",
});

export const listSmokeRunsRoute = defineRoute({
  method: "GET",
  path: "/api/criteria/smoke",
  summary: "Recent smoke runs (newest first), optionally of one endpoint: trigger, image, job, status, ok.",
  tag: "criteria",
  access: "viewer",
  query: z.object({ endpointId: EndpointIdSchema.optional(), limit: z.coerce.number().int().min(1).max(200).default(20) }),
  response: z.object({ runs: z.array(SmokeRunDtoSchema) }),
});

export const runSmokeNowRoute = defineRoute({
  method: "POST",
  path: "/api/criteria/smoke",
  summary: "Submits the endpoint's smoke input now (trigger manual; engineer or admin). A submission RunPod refuses is recorded as SUBMIT_FAILED.",
  tag: "criteria",
  access: "engineer",
  body: SmokeNowBodySchema,
  response: SmokeRunDtoSchema,
  successStatus: 201,
  errors: [404, 409],
});

export const getSmokeSettingsRoute = defineRoute({
  method: "GET",
  path: "/api/criteria/smoke/settings",
  summary: "An endpoint's smoke settings: opted in or not, the input sent and the expected-output check.",
  tag: "criteria",
  access: "viewer",
  query: z.object({ endpointId: EndpointIdSchema }),
  response: SmokeSettingsDtoSchema,
  errors: [404],
});

export const smokeSettingsRoute = defineRoute({
  method: "PUT",
  path: "/api/criteria/smoke/settings",
  summary:
    "Opts an endpoint in to (or out of) smoke jobs with its input and expected-output check (admin; audited). Nothing is ever sent to an endpoint that is not opted in. 422 for a bad check, 404 for an unknown endpoint.",
  tag: "criteria",
  access: "admin",
  body: SmokeSettingsBodySchema,
  response: SmokeSettingsDtoSchema,
  maxBodyBytes: 64 * 1024,
  errors: [404],
});

export const overviewRoute = defineRoute({
  method: "GET",
  path: "/api/overview",
  summary: "Everything the home page shows in one call: open incidents, flagged jobs, endpoints with health, running sweeps, criteria summary, data age.",
  tag: "overview",
  access: "viewer",
  response: OverviewDtoSchema,
});
