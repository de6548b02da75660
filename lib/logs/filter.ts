import type { LogFilter } from "@/lib/api/specs/logs";
import type { LogFilterInput } from "@/lib/logs/repository";

/** The parsed query of /api/logs and /api/logs/download as a data-layer filter. */
export function logFilterFromQuery(q: LogFilter): LogFilterInput {
  return {
    endpointId: q.endpointId,
    workerId: q.workerId,
    jobId: q.jobId,
    source: q.source,
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
    q: q.q?.trim() ? q.q : undefined,
  };
}

/** A safe attachment name: sweepwatch-logs-<endpoint>[-<worker>]-<UTC time>.txt */
export function logDownloadFilename(f: LogFilterInput, now: Date): string {
  const parts = ["sweepwatch-logs", f.endpointId ?? "all", f.workerId, f.jobId].filter(Boolean) as string[];
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return `${parts.join("-")}-${stamp}.txt`.replace(/[^A-Za-z0-9._-]/g, "_");
}
