import { timeAgo } from "@/lib/format/time";
import type { BadgeTone } from "@/components/ui/badge";

/** Worker table: "0", or "N (x ago)" with the time of the last restart. */
export function formatRestarts(count: number, lastRestartAt: string | null, now: number): string {
  if (count <= 0) return "0";
  return lastRestartAt ? `${count} (${timeAgo(lastRestartAt, now)})` : String(count);
}

export function formatExit(exit: { exitCode: number | null; signal: string | null } | null): string {
  if (!exit) return "—";
  if (exit.signal) return `signal ${exit.signal}`;
  return exit.exitCode === null ? "unknown" : `exit ${exit.exitCode}`;
}

/** Badge tone of a RunPod worker status. */
export function workerTone(status: string): BadgeTone {
  switch (status) {
    case "RUNNING":
      return "success";
    case "IDLE":
    case "READY":
      return "info";
    case "INITIALIZING":
      return "accent";
    case "THROTTLED":
      return "warning";
    case "UNHEALTHY":
      return "danger";
    default:
      return "neutral";
  }
}

/** Badge tone of a job status. */
export function jobTone(status: string): BadgeTone {
  switch (status) {
    case "COMPLETED":
      return "success";
    case "IN_PROGRESS":
    case "RUNNING":
      return "accent";
    case "IN_QUEUE":
      return "info";
    case "FAILED":
    case "TIMED_OUT":
      return "danger";
    case "CANCELLED":
    case "EXPIRED":
      return "neutral";
    default:
      return "warning";
  }
}

/** Human label of a status constant: IN_QUEUE → "in queue". */
export function statusLabel(status: string): string {
  return status.toLowerCase().replace(/_/g, " ");
}

/** Counts as "3 in queue · 1 in progress", biggest first, for compact cells. */
export function formatCounts(counts: Record<string, number>, order: readonly string[] = []): { key: string; count: number }[] {
  const rank = (k: string) => {
    const i = order.indexOf(k);
    return i < 0 ? order.length : i;
  };
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => rank(a.key) - rank(b.key) || b.count - a.count || a.key.localeCompare(b.key));
}

/** The order per-status worker counts are shown in: trouble first. */
export const WORKER_STATUS_DISPLAY_ORDER = ["UNHEALTHY", "THROTTLED", "INITIALIZING", "RUNNING", "IDLE"];
