import type { RunpodClient } from "@/lib/runpod/client";

/** The part of the RunPod client the poller uses (tests may wrap it, e.g. to count calls). */
export type PollerClient = Pick<RunpodClient, "run" | "status" | "health" | "listEndpoints" | "listWorkers" | "workerLogs" | "rateLimitState">;
