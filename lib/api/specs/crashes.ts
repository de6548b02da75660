import { z } from "zod";
import { defineRoute } from "@/lib/http/spec";
import { EndpointIdSchema } from "./endpoints";

export const EvidenceLineDtoSchema = z.object({
  logLineId: z.string().nullable(),
  ts: z.string().nullable(),
  text: z.string(),
  match: z.boolean(),
});
export type EvidenceLineDto = z.infer<typeof EvidenceLineDtoSchema>;

export const CrashEventDtoSchema = z.object({
  id: z.string(),
  endpointId: z.string(),
  workerId: z.string().nullable(),
  image: z.string().nullable(),
  /** Deployment key: "version:<endpoint config version>" or "image:<image>" (null for crashes recorded before it was kept). */
  deployment: z.string().nullable(),
  at: z.string(),
  signature: z.string(),
  title: z.string(),
  fingerprint: z.string(),
  exitCode: z.number().nullable(),
  source: z.enum(["log", "exit", "restart"]),
  /** The lines around the crash; `match` marks the lines the classifier matched. */
  evidence: z.array(EvidenceLineDtoSchema),
});
export type CrashEventDto = z.infer<typeof CrashEventDtoSchema>;

const isoDate = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO 8601 date-time")
  .transform((s) => new Date(s));

export const ListCrashesQuerySchema = z
  .object({
    endpointId: EndpointIdSchema,
    from: isoDate.optional(),
    to: isoDate.optional(),
    workerId: z.string().max(128).optional(),
    signature: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1, "must be at least 1").max(500, "must be at most 500").optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "from must not be after to", path: ["from"] });

export const CrashPageDtoSchema = z.object({
  crashes: z.array(CrashEventDtoSchema),
  /** True when more crashes matched than `limit` (newest are returned). */
  truncated: z.boolean(),
});
export type CrashPageDto = z.infer<typeof CrashPageDtoSchema>;

export const listCrashesRoute = defineRoute({
  method: "GET",
  path: "/api/crashes",
  summary: "Crash events of an endpoint in a time range, newest first, with their evidence lines.",
  tag: "incidents",
  access: "viewer",
  query: ListCrashesQuerySchema,
  response: CrashPageDtoSchema,
});

// ───────────── crash timeline (GET /api/endpoints/{id}/timeline) ─────────────

export const TimelineQuerySchema = z
  .object({ from: isoDate.optional(), to: isoDate.optional() })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: "from must be before to", path: ["from"] })
  .refine((q) => !q.from || !q.to || q.to.getTime() - q.from.getTime() <= 7 * 86_400_000, { message: "the range may span at most 7 days", path: ["to"] });

const T = z.number(); // epoch ms

export const TimelineDtoSchema = z.object({
  endpointId: z.string(),
  from: T,
  to: T,
  queue: z.array(z.object({ t: T, inQueue: z.number() })),
  lanes: z.array(
    z.object({
      workerId: z.string(),
      image: z.string().nullable(),
      segments: z.array(z.object({ start: T, end: T, kind: z.enum(["starting", "running", "idle", "unhealthy", "throttled", "backoff", "other"]) })),
      crashes: z.array(z.object({ id: z.string(), t: T, signature: z.string(), title: z.string(), color: z.string(), exitCode: z.number().nullable() })),
      restarts: z.array(T),
    }),
  ),
  incidents: z.array(z.object({ id: z.string(), start: T, end: T.nullable(), title: z.string(), state: z.string() })),
  deploys: z.array(z.object({ t: T, image: z.string(), version: z.string().nullable() })),
  trials: z.array(z.object({ id: z.string(), sweepId: z.string(), sweepName: z.string(), number: z.number(), start: T, end: T.nullable(), status: z.string() })),
  signatures: z.array(z.object({ signature: z.string(), title: z.string(), color: z.string(), count: z.number() })),
  /** Some series were cut to stay bounded. */
  truncated: z.boolean(),
});
export type TimelineDto = z.infer<typeof TimelineDtoSchema>;

export const endpointTimelineRoute = defineRoute({
  method: "GET",
  path: "/api/endpoints/{id}/timeline",
  summary: "Prepared crash timeline of an endpoint: queue depth, worker lanes with crashes, incidents, deploys, trials (default: the last hour).",
  tag: "incidents",
  access: "viewer",
  query: TimelineQuerySchema,
  response: TimelineDtoSchema,
  errors: [404],
});
