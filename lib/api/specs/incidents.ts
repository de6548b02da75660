import { z } from "zod";
import { defineRoute } from "@/lib/http/spec";
import { EndpointIdSchema } from "./endpoints";
import { CrashEventDtoSchema } from "./crashes";

export const INCIDENT_STATES = ["open", "acknowledged", "resolved"] as const;
export const IncidentStateSchema = z.enum(INCIDENT_STATES);

export const IncidentSummaryDtoSchema = z.object({
  id: z.string(),
  endpointId: z.string(),
  endpointName: z.string(),
  signature: z.string(),
  fingerprint: z.string(),
  title: z.string(),
  state: IncidentStateSchema,
  openedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolution: z.enum(["manual", "auto"]).nullable(),
  regressionCount: z.number(),
  lastRegressedAt: z.string().nullable(),
  crashCount: z.number(),
  lastCrashAt: z.string().nullable(),
  /** IN_QUEUE jobs of the endpoint flagged random_device_crash_loop now. */
  flaggedJobs: z.number(),
});
export type IncidentSummaryDto = z.infer<typeof IncidentSummaryDtoSchema>;

export const IncidentPageDtoSchema = z.object({
  incidents: z.array(IncidentSummaryDtoSchema),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type IncidentPageDto = z.infer<typeof IncidentPageDtoSchema>;

export const IncidentEventDtoSchema = z.object({
  kind: z.string(),
  actor: z.string().nullable(),
  at: z.string(),
  detail: z.unknown(),
});

export const BlastRadiusDtoSchema = z.object({
  queuedJobs: z.number(),
  flaggedJobs: z.number(),
  blockedTrials: z.number(),
  sweeps: z.array(z.object({ id: z.string(), name: z.string(), state: z.string(), blockedTrials: z.number() })),
  /** Sum over workers of the time between their first and last crash of this fingerprint (a lower bound). */
  workerMinutesCrashing: z.number(),
});

export const RunbookDtoSchema = z.object({
  signature: z.string(),
  title: z.string(),
  explanation: z.string(),
  /** Markdown (rendered without raw HTML); null when there is no runbook for the signature. */
  markdown: z.string().nullable(),
  /** The confirmation commands from the runbook, as shell snippets. */
  commands: z.array(z.string()),
  /** random_device: the family its crash shows (stdin_mix, sandbox, cpu_rng), which chose the runbook's first section; else null. */
  variant: z.string().nullable(),
});
export type RunbookDto = z.infer<typeof RunbookDtoSchema>;

export const IncidentDetailDtoSchema = IncidentSummaryDtoSchema.extend({
  introducedImage: z.string().nullable(),
  /** When the image that introduced the crash was first seen on the endpoint (the deploy). */
  introducedAt: z.string().nullable(),
  notes: z.string(),
  notesVersion: z.number(),
  notesUpdatedAt: z.string().nullable(),
  notesUpdatedBy: z.string().nullable(),
  evidence: z.object({
    firstCrash: CrashEventDtoSchema.nullable(),
    latestCrash: CrashEventDtoSchema.nullable(),
    count: z.number(),
    firstSeenAt: z.string().nullable(),
    lastSeenAt: z.string().nullable(),
    workers: z.array(z.string()),
    images: z.array(z.string()),
  }),
  blastRadius: BlastRadiusDtoSchema,
  runbook: RunbookDtoSchema,
  events: z.array(IncidentEventDtoSchema),
  /**
   * Whether recovery can be judged: while open, "no data since <at>" when the endpoint went silent (no health,
   * logs or workers), else the newest data time. Never "resolved" on silence.
   */
  dataState: z.object({ kind: z.enum(["current", "no_data"]), since: z.string().nullable(), reason: z.string().nullable() }),
  /** The worker wrapper's start-up facts of the incident's workers (stdin, CPU vendor/flags, libstdc++, versions), newest per worker. */
  workerStartup: z.array(z.record(z.string(), z.unknown())),
});
export type IncidentDetailDto = z.infer<typeof IncidentDetailDtoSchema>;

const stateList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(IncidentStateSchema).max(3));

export const ListIncidentsQuerySchema = z.object({
  /** One state or a comma-separated list (open,acknowledged). */
  state: stateList.optional(),
  endpointId: EndpointIdSchema.optional(),
  cursor: z.string().regex(/^\d{1,19}$/, "must be an incident id").optional(),
  limit: z.coerce.number().int().min(1, "must be at least 1").max(100, "must be at most 100").optional(),
});
export type ListIncidentsQuery = z.infer<typeof ListIncidentsQuerySchema>;

export const IncidentIdSchema = z.string().regex(/^\d{1,19}$/, "must be a numeric incident id");

export const UpdateNotesBodySchema = z.object({
  notes: z.string().max(20_000, "must be at most 20000 characters"),
  /** The notesVersion the edit is based on; a newer stored version answers 409. */
  notesVersion: z.number().int().min(0),
});

export const ResolveBodySchema = z.object({ comment: z.string().max(2_000).optional() }).optional();

const IncidentResponseSchema = z.object({ incident: IncidentDetailDtoSchema });

export const listIncidentsRoute = defineRoute({
  method: "GET",
  path: "/api/incidents",
  summary: "Incidents, newest first, filtered by state and endpoint (paginated).",
  tag: "incidents",
  access: "viewer",
  query: ListIncidentsQuerySchema,
  response: IncidentPageDtoSchema,
});

export const getIncidentRoute = defineRoute({
  method: "GET",
  path: "/api/incidents/{id}",
  summary: "One incident with its evidence, blast radius, runbook, notes and history.",
  tag: "incidents",
  access: "viewer",
  response: IncidentResponseSchema,
  errors: [404],
});

/** An on-call action on one incident: answers the incident as it is now; 404 when unknown, 409 when its state forbids it. */
const incidentAction = <B extends z.ZodType>(method: "POST" | "PUT", action: "acknowledge" | "resolve" | "notes", summary: string, body?: B) =>
  defineRoute({
    method,
    path: `/api/incidents/{id}/${action}`,
    summary,
    tag: "incidents",
    access: "oncall",
    ...(body && { body }),
    response: IncidentResponseSchema,
    errors: [404, 409],
  });

export const acknowledgeIncidentRoute = incidentAction("POST", "acknowledge", "Acknowledge an open incident (records who).");
export const resolveIncidentRoute = incidentAction(
  "POST",
  "resolve",
  "Resolve an incident by hand. A later crash of its fingerprint reopens it as a regression.",
  ResolveBodySchema,
);
export const updateIncidentNotesRoute = incidentAction(
  "PUT",
  "notes",
  "Replace the incident's Markdown notes; 409 when they changed since notesVersion.",
  UpdateNotesBodySchema,
);

/** Detection thresholds (AppSetting "detection.rules"): every key with its value now and its default; docs/detection.md names them. */
export const DetectionSettingsDtoSchema = z.object({
  values: z.record(z.string(), z.number()),
  defaults: z.record(z.string(), z.number()),
  /** Keys set explicitly (the rest take the defaults). */
  overridden: z.array(z.string()),
});
export type DetectionSettingsDto = z.infer<typeof DetectionSettingsDtoSchema>;

export const getDetectionSettingsRoute = defineRoute({
  method: "GET",
  path: "/api/incidents/settings",
  summary: "The crash-loop rule and the per-endpoint alert thresholds (oldest queued age, stalled queue, completion rate below baseline), with defaults.",
  tag: "incidents",
  access: "viewer",
  response: DetectionSettingsDtoSchema,
});

export const updateDetectionSettingsRoute = defineRoute({
  method: "PUT",
  path: "/api/incidents/settings",
  summary: "Changes detection thresholds (admin; audited). Only known keys, each validated (422 names the field); null resets a key to its default. 0 disables an alert.",
  tag: "incidents",
  access: "admin",
  body: z.record(z.string().max(64), z.number().nullable()),
  response: DetectionSettingsDtoSchema,
  maxBodyBytes: 8 * 1024,
});
