import { z } from "zod";
import { defineRoute } from "@/lib/http/spec";
import { EndpointIdSchema } from "./endpoints";


export const JobTransitionDtoSchema = z.object({
  from: z.string().nullable(),
  to: z.string(),
  at: z.string(),
  source: z.enum(["poll", "webhook", "submit", "expire"]),
});
export type JobTransitionDto = z.infer<typeof JobTransitionDtoSchema>;

export const JobDtoSchema = z.object({
  id: z.string(),
  endpointId: z.string(),
  status: z.string(),
  source: z.string(),
  submittedAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  statusChangedAt: z.string(),
  createdAt: z.string(),
  delayTime: z.number().nullable(),
  executionTime: z.number().nullable(),
  workerId: z.string().nullable(),
  error: z.string().nullable(),
  /** Detection's verdict (random_device_crash_loop, crash_loop, no_capacity, ...); null until detection ran. */
  verdict: z.string().nullable(),
  /** Set (e.g. "random_device_crash_loop") when detection flags the job. */
  flag: z.string().nullable(),
  /** Every status change, oldest first. */
  history: z.array(JobTransitionDtoSchema),
});
export type JobDto = z.infer<typeof JobDtoSchema>;

export const JobDetailDtoSchema = JobDtoSchema.extend({
  input: z.unknown(),
  output: z.unknown(),
  verdictDetail: z.unknown(),
  verdictAt: z.string().nullable(),
  lastPolledAt: z.string().nullable(),
  nextPollAt: z.string().nullable(),
  expiredAt: z.string().nullable(),
  pollCount: z.number(),
});
export type JobDetailDto = z.infer<typeof JobDetailDtoSchema>;

export const JobPageDtoSchema = z.object({
  jobs: z.array(JobDtoSchema),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type JobPageDto = z.infer<typeof JobPageDtoSchema>;

const statusList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim().toUpperCase()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[A-Z_]{1,64}$/, "must be a job status such as IN_QUEUE")).max(20));

export const ListJobsQuerySchema = z.object({
  endpointId: EndpointIdSchema.optional(),
  /** One status or a comma-separated list (IN_QUEUE,IN_PROGRESS). */
  status: statusList.optional(),
  flagged: z.enum(["true", "false"]).optional(),
  cursor: z.string().max(400).optional(),
  limit: z.coerce.number().int().min(1, "must be at least 1").max(200, "must be at most 200").optional(),
});
export type ListJobsQuery = z.infer<typeof ListJobsQuerySchema>;

/** The job form's input: a JSON object, at most 256 KiB once serialised. */
export const JOB_INPUT_MAX_BYTES = 256 * 1024;

export const SubmitJobBodySchema = z.object({
  endpointId: EndpointIdSchema,
  input: z
    .record(z.string(), z.unknown(), { error: "must be a JSON object" })
    .refine((v) => JSON.stringify(v).length <= JOB_INPUT_MAX_BYTES, { message: `must be at most ${JOB_INPUT_MAX_BYTES / 1024} KiB as JSON` }),
});
export type SubmitJobBody = z.infer<typeof SubmitJobBodySchema>;

export const listJobsRoute = defineRoute({
  method: "GET",
  path: "/api/jobs",
  summary:
    "Tracked jobs, newest first, filtered by endpoint and status (comma-separated) and paginated with an opaque cursor; each job with its status history, verdict and flag.",
  tag: "jobs",
  access: "viewer",
  query: ListJobsQuerySchema,
  response: JobPageDtoSchema,
});

export const getJobRoute = defineRoute({
  method: "GET",
  path: "/api/jobs/{id}",
  summary: "One tracked job with input, output, status history and detection verdict.",
  tag: "jobs",
  access: "viewer",
  response: z.object({ job: JobDetailDtoSchema }),
  errors: [404],
});

export const submitJobRoute = defineRoute({
  method: "POST",
  path: "/api/jobs",
  summary:
    "Submits one job (POST /run with the given input) to an endpoint and tracks it. Not retried when RunPod's answer is ambiguous (503), so a job is never queued twice.",
  tag: "jobs",
  access: "engineer",
  body: SubmitJobBodySchema,
  response: z.object({ job: JobDetailDtoSchema }),
  successStatus: 201,
  maxBodyBytes: JOB_INPUT_MAX_BYTES + 4096,
  errors: [404, 429, 503],
});
