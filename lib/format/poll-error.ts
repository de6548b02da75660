import { timeAgo } from "@/lib/format/time";

/**
 * Poll errors and /health counters in plain words for the endpoint page. Pure (server and client).
 */

const OPERATIONS: Record<string, string> = {
  health: "the queue's /health",
  status: "a job's /status",
  listWorkers: "the workers list",
  listEndpoints: "the endpoint list",
  workerLogs: "a worker's log stream",
  poll: "polling",
};

function what(operation: string): string {
  return OPERATIONS[operation] ?? operation.replace(/^module:/, "the ") ;
}

/** "RunPod refused the API key (403) 3 min ago": what went wrong, its status and its age. */
export function describePollError(e: { operation: string; httpStatus: number | null; message: string; at: string }, now: number | null): string {
  const s = e.httpStatus;
  const on = what(e.operation);
  let text: string;
  if (s === 401) text = `RunPod did not accept the API key (401) for ${on}`;
  else if (s === 403) text = `RunPod refused the API key (403) for ${on}`;
  else if (s === 404) text = e.operation === "health" ? "RunPod does not know this endpoint (404): deleted or mistyped" : `RunPod answered 404 for ${on}`;
  else if (s === 429) text = `RunPod's rate limit was hit (429) on ${on}; sweepwatch waits as told`;
  else if (s !== null && s >= 500) text = `RunPod had a server error (${s}) on ${on}`;
  else if (s !== null) text = `RunPod answered ${s} on ${on}`;
  else if (/timed? ?out/i.test(e.message)) text = `RunPod did not answer in time on ${on}`;
  else text = `Could not reach RunPod for ${on}`;
  return `${text} ${timeAgo(e.at, now)}`;
}

/** A /health counter for display: null means RunPod did not send it, which is not 0. */
export function formatCounter(n: number | null | undefined): string {
  return n === null || n === undefined ? "not reported" : String(n);
}
