/**
 * Job statuses: the one home of their values, groups and predicates (issue 15). RunPod's own values
 * come from its jobs API (docs/runpod-api.md §2: IN_QUEUE, IN_PROGRESS, COMPLETED, FAILED, CANCELLED,
 * TIMED_OUT; RUNNING is documented but never seen). sweepwatch adds two of its own: EXPIRED (RunPod
 * forgot the job, i.e. /status answers 404 after its TTL) and UNKNOWN (submitted, no answer yet).
 * Everything else (the poller's schedule, the simulator, route filters, criteria) imports from here.
 */

/** A string union that still admits values we do not know yet: a new RunPod status is recorded, not rejected. */
export type Open<T extends string> = T | (string & {});

export const RUNPOD_JOB_STATUSES = ["IN_QUEUE", "IN_PROGRESS", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"] as const;
export type RunpodJobStatus = (typeof RUNPOD_JOB_STATUSES)[number];
export type JobStatus = Open<RunpodJobStatus>;

/** sweepwatch's own: RunPod no longer knows the job (its result TTL ran out). */
export const EXPIRED = "EXPIRED";
/** sweepwatch's own: submitted, RunPod has not answered with a status yet. */
export const UNKNOWN = "UNKNOWN";

/** RunPod's terminal statuses: the job will not change again. */
export const TERMINAL_JOB_STATUSES = ["COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"] as const satisfies readonly RunpodJobStatus[];
/** Terminal for sweepwatch: RunPod's terminal ones plus EXPIRED (nothing more to poll). */
export const FINAL_JOB_STATUSES = [...TERMINAL_JOB_STATUSES, EXPIRED] as const;
/** Waiting for a worker: what a queue verdict and the crash-loop flag are about. */
export const WAITING_JOB_STATUSES = ["IN_QUEUE", UNKNOWN] as const;
/** Every status a stored job can have (the jobs API's status filter offers these; it accepts any string). */
export const JOB_STATUSES = ["IN_QUEUE", "IN_PROGRESS", "COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT", EXPIRED, UNKNOWN] as const;
export type StoredJobStatus = (typeof JOB_STATUSES)[number];
/** The order per-status counts are shown in: what needs attention first. */
export const JOB_STATUS_DISPLAY_ORDER: readonly StoredJobStatus[] = ["IN_QUEUE", "IN_PROGRESS", "FAILED", "TIMED_OUT", "COMPLETED", "CANCELLED", EXPIRED, UNKNOWN];

/** A worker took the job and it runs or ran to completion: submitting it again would repeat that work. */
export const RAN_OR_RUNNING_JOB_STATUSES = ["IN_PROGRESS", "COMPLETED"] as const;

function oneOf<T extends string>(set: readonly T[]) {
  const s = new Set<string>(set);
  return (v: string | null | undefined): v is T => typeof v === "string" && s.has(v);
}
export const isTerminalJobStatus = oneOf(TERMINAL_JOB_STATUSES);
export const isFinalJobStatus = oneOf(FINAL_JOB_STATUSES);
export const isWaitingJobStatus = oneOf(WAITING_JOB_STATUSES);
export const isRanOrRunningJobStatus = oneOf(RAN_OR_RUNNING_JOB_STATUSES);

/** `RUNNING` is documented as a job state but never seen; treat it as `IN_PROGRESS`. */
export function normalizeJobStatus(s: JobStatus): JobStatus {
  return s === "RUNNING" ? "IN_PROGRESS" : s;
}
