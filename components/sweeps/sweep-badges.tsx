import Link from "next/link";
import type { SweepFlagDto, SweepState, TrialStatusName } from "@/lib/api/specs/sweeps";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { AlertIcon } from "@/components/ui/icons";

const STATE_TONE: Record<SweepState, BadgeTone> = {
  pending: "neutral",
  running: "accent",
  paused: "warning",
  stopping: "warning",
  stopped: "neutral",
  completed: "success",
  cancelled: "neutral",
  failed: "danger",
};

export function SweepStateBadge({ state, title }: { state: SweepState; title?: string }) {
  return (
    <Badge tone={STATE_TONE[state]} dot pulse={state === "running"} title={title}>
      {state}
    </Badge>
  );
}

export const TRIAL_TONE: Record<TrialStatusName, BadgeTone> = {
  pending: "neutral",
  submitting: "neutral",
  queued: "info",
  running: "accent",
  completed: "success",
  failed: "danger",
  cancelled: "neutral",
  expired: "warning",
  stopped: "neutral",
};

export function TrialStatusBadge({ status }: { status: TrialStatusName }) {
  return (
    <Badge tone={TRIAL_TONE[status]} dot pulse={status === "running"}>
      {status}
    </Badge>
  );
}

/** The random_device crash-loop flag, short form (list rows). */
export function CrashLoopBadge({ flag, endpointId }: { flag: SweepFlagDto; endpointId: string }) {
  return (
    <Link
      href={`/endpoints/${encodeURIComponent(endpointId)}`}
      title={flag.message}
      className="inline-flex rounded-md focus-visible:outline-2"
    >
      <Badge tone="danger">
        <AlertIcon size={12} />
        endpoint crash-looping: random_device
      </Badge>
    </Link>
  );
}

/** The flag with its reason and where to look (sweep page). */
export function CrashLoopNotice({ flag, endpointId, endpointName }: { flag: SweepFlagDto; endpointId: string; endpointName: string | null }) {
  return (
    <div
      role="alert"
      className="flex gap-3 rounded-lg border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-400/30 dark:bg-red-400/10 dark:text-red-200"
    >
      <AlertIcon size={18} className="mt-0.5 shrink-0" />
      <div className="min-w-0 space-y-1">
        <p className="font-semibold">endpoint crash-looping: random_device</p>
        <p>{flag.message}</p>
        <p>
          {flag.queuedJobs} queued job{flag.queuedJobs === 1 ? "" : "s"} on this endpoint carry the flag. Trials wait in the queue and do not count
          against the failed-trial budget.
        </p>
        <p className="flex flex-wrap gap-x-4 gap-y-1">
          <Link className="font-medium underline underline-offset-2" href={`/endpoints/${encodeURIComponent(endpointId)}`}>
            Endpoint {endpointName ?? endpointId}
          </Link>
          <Link className="font-medium underline underline-offset-2" href={`/incidents?endpoint=${encodeURIComponent(endpointId)}`}>
            Incident and runbook
          </Link>
        </p>
      </div>
    </div>
  );
}
