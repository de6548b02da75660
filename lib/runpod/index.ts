/** Server-only RunPod client (jobs API + management API v2). Never import from client components. */
export { createRunpodClient } from "./client";
export type { RunpodClient, RunpodClientOptions, CallOptions, RunRequest, StatusResult, WorkerLogsOptions, RateLimitEvent, Sleep } from "./client";
export { RunpodError, isRunpodError, RUNPOD_ERROR_KINDS } from "./errors";
export type { RunpodErrorKind, AmbiguousReason, ProblemDetails } from "./errors";
export { parseRateLimitHeaders, parseRetryAfter } from "./rate-limit";
export type { RateLimitSnapshot, RateLimitScopeState, RateLimitWindowState } from "./rate-limit";
export type { LogStreamOptions, LogStreamEnd, LogStreamEndReason, WorkerLogsResult } from "./logs";
export { KNOWN_WORKER_STATUSES, isKnownWorkerStatus } from "./schemas";
export type {
  WorkerStatus,
  KnownWorkerStatus,
  JobStatusDoc,
  RunResponse,
  JobActionResponse,
  PurgeQueueResponse,
  Health,
  StreamResponse,
  StreamChunk,
  Endpoint,
  Worker,
  WorkerSummary,
  ListWorkersResponse,
  LogLine,
  LogSource,
} from "./schemas";
