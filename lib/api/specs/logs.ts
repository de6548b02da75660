import { z } from "zod";
import { defineRoute } from "@/lib/http/spec";
import { DateTimeParam } from "./common";
import { EndpointIdSchema } from "./endpoints";

export const LOG_SOURCES = ["container", "system", "ingest", "upload"] as const;

export const LogLineDtoSchema = z.object({
  id: z.string(),
  endpointId: z.string(),
  workerId: z.string().nullable(),
  jobId: z.string().nullable(),
  source: z.enum(LOG_SOURCES),
  stream: z.string().nullable(),
  ts: z.string(),
  /** Plain text: render as text, never as HTML. */
  text: z.string(),
});
export type LogLineDto = z.infer<typeof LogLineDtoSchema>;

export const LogPageDtoSchema = z.object({
  lines: z.array(LogLineDtoSchema),
  /** Cursor for the next page in the same direction; null when there is none. */
  nextCursor: z.string().nullable(),
  /** Highest line id seen by the query; pass as `afterId` to tail new lines. */
  maxId: z.string().nullable(),
});
export type LogPageDto = z.infer<typeof LogPageDtoSchema>;

export const LogFilterSchema = z.object({
  endpointId: EndpointIdSchema.optional(),
  workerId: z.string().trim().min(1).max(128).optional(),
  jobId: z.string().trim().min(1).max(128).optional(),
  source: z.enum(LOG_SOURCES).optional(),
  from: DateTimeParam.optional(),
  to: DateTimeParam.optional(),
  /** Case-insensitive substring search in the line text. */
  q: z.string().max(200, "must be at most 200 characters").optional(),
});
export type LogFilter = z.infer<typeof LogFilterSchema>;

export const SearchLogsQuerySchema = LogFilterSchema.extend({
  /** Older page: the `nextCursor` of the previous answer (lines come newest first). */
  cursor: z.string().max(200).optional(),
  /** Tail: only lines stored after this id, oldest first (for live tail). Ignores `cursor`. */
  afterId: z.string().regex(/^\d{1,19}$/, "must be a line id").optional(),
  limit: z.coerce.number().int().min(1, "must be at least 1").max(1000, "must be at most 1000").optional(),
});
export type SearchLogsQuery = z.infer<typeof SearchLogsQuerySchema>;

/** Download cap: lines per file. */
export const LOG_DOWNLOAD_MAX_LINES = 200_000;
/** Upload cap: bytes per file. */
export const LOG_UPLOAD_MAX_BYTES = 5 * 1024 * 1024;

export const UploadLogQuerySchema = z.object({
  endpointId: EndpointIdSchema,
  workerId: z.string().trim().min(1).max(128).optional(),
  jobId: z.string().trim().min(1).max(128).optional(),
  /** When the log was written, for lines without their own time (ISO 8601). Without it such lines are "undated": evidence only. */
  at: z
    .string()
    .trim()
    .max(64)
    .refine((v) => !Number.isNaN(Date.parse(v)), { message: "must be an ISO 8601 date-time" })
    .optional(),
});

/** What storing log lines did, for an upload and an ingest batch alike: lines read, rows new (not seen before), lines cut to length. */
export const storedLinesShape = { lines: z.number(), inserted: z.number(), truncatedLines: z.number() };

export const UploadLogResultDtoSchema = z.object({
  endpointId: z.string(),
  workerId: z.string().nullable(),
  ...storedLinesShape,
  /** Lines with no time of their own, none inherited and none given (`at`): stored as evidence, never counted live. */
  undatedLines: z.number(),
});
export type UploadLogResultDto = z.infer<typeof UploadLogResultDtoSchema>;

export const searchLogsRoute = defineRoute({
  method: "GET",
  path: "/api/logs",
  summary:
    "Stored log lines filtered by endpoint, worker, job, source, time range and text (case-insensitive substring), newest first with a cursor for older pages; `afterId` returns lines stored since (live tail).",
  tag: "logs",
  access: "viewer",
  query: SearchLogsQuerySchema,
  response: LogPageDtoSchema,
});

export const downloadLogsRoute = defineRoute({
  method: "GET",
  path: "/api/logs/download",
  summary: `The same filters as GET /api/logs, as a text/plain attachment (oldest first, streamed, at most ${LOG_DOWNLOAD_MAX_LINES} lines; a final line says when the cap was hit).`,
  tag: "logs",
  access: "viewer",
  query: LogFilterSchema,
  produces: "text/plain",
});

export const uploadLogRoute = defineRoute({
  method: "POST",
  path: "/api/logs/upload",
  summary: `Uploads a log file (raw text body, or multipart field "file") for an endpoint and optional worker/job; stored as source "upload", one row per line, at most ${LOG_UPLOAD_MAX_BYTES / 1024 / 1024} MiB. A line keeps the time it starts with (ISO 8601, Python logging, epoch seconds, syslog), else the previous line's, else \`at\`; lines with none are "undated" evidence that never drives live verdicts. Uploading the same file twice stores it once.`,
  tag: "logs",
  access: "oncall",
  query: UploadLogQuerySchema,
  response: UploadLogResultDtoSchema,
  successStatus: 201,
  errors: [404, 413],
});
