import type { HealthDto } from "@/lib/api/specs/system";
import { formatDuration, formatUtcTime } from "@/lib/format/time";

export type DataAgeTone = "pending" | "fresh" | "stale" | "never" | "down" | "error";

export interface DataAgeView {
  tone: DataAgeTone;
  text: string;
  /** Longer explanation for a tooltip / screen readers. */
  detail: string;
}

/**
 * What the header's data-age indicator says. `elapsedMs` is the time since the
 * health answer was received: the age grows between polls without trusting the
 * browser's clock against the server's.
 */
export function describeDataAge(input: {
  health: HealthDto | undefined;
  elapsedMs: number;
  fetchFailed: boolean;
  staleAfterSeconds: number;
}): DataAgeView {
  const { health, elapsedMs, fetchFailed, staleAfterSeconds } = input;
  if (!health) {
    return fetchFailed
      ? { tone: "error", text: "status unavailable", detail: "sweepwatch could not reach /api/health." }
      : { tone: "pending", text: "checking…", detail: "Asking /api/health for the poller's last tick." };
  }
  if (health.database === "down") {
    return { tone: "down", text: "database down", detail: "The web server cannot reach PostgreSQL; data shown may be outdated." };
  }
  if (health.poller.lastTickAt === null || health.poller.ageSeconds === null) {
    return {
      tone: "never",
      text: "poller never ran",
      detail: "No poller has recorded a tick yet. `npm start` starts one; `npx sweepwatch doctor` explains what is missing.",
    };
  }
  const age = health.poller.ageSeconds + Math.max(0, elapsedMs) / 1000;
  const when = `Last poller tick at ${formatUtcTime(health.poller.lastTickAt)}.`;
  if (fetchFailed) {
    return { tone: "stale", text: `stale: updated ${formatDuration(age)} ago`, detail: `${when} The health check is failing, so this may be older.` };
  }
  if (age > staleAfterSeconds) {
    return { tone: "stale", text: `stale: updated ${formatDuration(age)} ago`, detail: `${when} The poller has not ticked for over ${staleAfterSeconds} s: is it running?` };
  }
  return { tone: "fresh", text: `updated ${formatDuration(age)} ago`, detail: when };
}
