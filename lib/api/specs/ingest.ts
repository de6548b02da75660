import { z } from "zod";
import { defineRoute } from "@/lib/http/spec";
import { EndpointIdSchema } from "./endpoints";
import { storedLinesShape } from "./logs";

/** Limits of POST /api/ingest/logs (docs/ingest.md). */
export const INGEST_LIMITS = {
  /** Request body, bytes (413 above). */
  maxBodyBytes: 1024 * 1024,
  /** Lines per batch (422 above). */
  maxLines: 5000,
  /** Characters per line; longer lines are truncated and end with TRUNCATION_MARKER. */
  maxLineChars: 16 * 1024,
} as const;

export const TRUNCATION_MARKER = " …[truncated by sweepwatch]";

const Ts = z.union([
  z.number().finite().min(946684800000, "epoch milliseconds after 2000-01-01").max(4102444800000, "epoch milliseconds before 2100-01-01"),
  z
    .string()
    .max(64)
    .refine((v) => !Number.isNaN(Date.parse(v)), { message: "must be an ISO 8601 date-time or epoch milliseconds" }),
]);

export const IngestLineSchema = z.object({
  ts: Ts,
  stream: z.enum(["stdout", "stderr"]).default("stdout"),
  text: z.string(),
});

export const IngestBatchBodySchema = z
  .object({
    endpointId: EndpointIdSchema,
    workerId: z.string().trim().min(1).max(128),
    /** Unique per batch and stable across retries (e.g. "<boot id>-<sequence>"). */
    batchId: z.string().trim().min(1).max(128),
    jobId: z.string().trim().min(1).max(128).optional().nullable(),
    lines: z.array(IngestLineSchema).max(INGEST_LIMITS.maxLines, `at most ${INGEST_LIMITS.maxLines} lines per batch`),
    /** The handler's end: exit code, or the signal that killed it. */
    exit: z
      .object({
        code: z.number().int().min(-1024).max(1024).optional().nullable(),
        signal: z.string().trim().min(1).max(32).optional().nullable(),
        at: Ts.optional(),
      })
      .refine((e) => (e.code ?? null) !== null || (e.signal ?? null) !== null, { message: "give code or signal" })
      .optional()
      .nullable(),
    /**
     * What the worker wrapper records at start-up (stdin type, CPU vendor/flags, libstdc++ and framework
     * versions; lib/incidents/detection/runbooks/tf-serverless.md): stored as a WorkerEvent "startup", shown on incidents.
     */
    startup: z
      .record(z.string().max(64), z.unknown())
      .refine((o) => JSON.stringify(o).length <= 16_384, { message: "at most 16 KiB" })
      .optional()
      .nullable(),
  })
  .refine((b) => b.lines.length > 0 || b.exit || b.startup, { message: "a batch needs lines, an exit or start-up facts" });
export type IngestBatchBody = z.infer<typeof IngestBatchBodySchema>;

export const IngestResultDtoSchema = z.object({
  /** False when this batch id was seen before (a retry): nothing was stored again. */
  accepted: z.boolean(),
  duplicate: z.boolean(),
  ...storedLinesShape,
  exitRecorded: z.boolean(),
});
export type IngestResultDto = z.infer<typeof IngestResultDtoSchema>;

export const ingestLogsRoute = defineRoute({
  method: "POST",
  path: "/api/ingest/logs",
  summary: `Log lines pushed from inside a worker (see GET /api/worker-wrapper), with \`Authorization: Bearer <ingest token of the endpoint>\`. Limits: body ${INGEST_LIMITS.maxBodyBytes / 1024 / 1024} MiB (413), ${INGEST_LIMITS.maxLines} lines per batch (422), lines over ${INGEST_LIMITS.maxLineChars / 1024} Ki characters are truncated with a marker, a per-token rate (429 with Retry-After). Idempotent per (endpointId, batchId): a retried batch is stored once.`,
  tag: "ingest",
  access: "secret",
  body: IngestBatchBodySchema,
  response: IngestResultDtoSchema,
  maxBodyBytes: INGEST_LIMITS.maxBodyBytes,
  errors: [401, 413, 429],
});

export const webhookRoute = defineRoute({
  method: "POST",
  path: "/api/webhooks/runpod/{secret}",
  summary:
    "RunPod job webhook (body: the /status document). The secret in the path identifies the endpoint; the job is updated at once. Unknown secret → 404. Repeated deliveries change nothing.",
  tag: "ingest",
  access: "secret",
  body: z.looseObject({ id: z.string().min(1).max(128), status: z.string().min(1).max(64) }),
  response: z.object({ ok: z.literal(true), jobId: z.string(), status: z.string(), changed: z.boolean() }),
  maxBodyBytes: 2 * 1024 * 1024,
  errors: [404],
});

export const workerWrapperRoute = defineRoute({
  method: "GET",
  path: "/api/worker-wrapper",
  summary:
    "The worker-side wrapper script (Python 3, stdlib only): runs the handler command unchanged and ships its output and exit code to POST /api/ingest/logs. See docs/ingest.md.",
  tag: "ingest",
  access: "public",
  produces: "text/x-python",
});
