"use client";

import { Badge } from "@/components/ui/badge";
import { Skeleton } from "@/components/ui/skeleton";
import { formatUtcClock } from "@/lib/format/time";

/**
 * Shown while a query keeps its last good data but its refetches fail: the data stays on
 * screen, with the time it was last fresh and the error on hover.
 */
export function StaleBadge({ isError, dataUpdatedAt, error }: { isError: boolean; dataUpdatedAt: number; error: unknown }) {
  if (!isError || !dataUpdatedAt) return null;
  const message = error instanceof Error ? error.message : "refresh failed";
  return (
    <Badge tone="warning" dot title={message}>
      <span suppressHydrationWarning>stale since {formatUtcClock(dataUpdatedAt)}</span>
    </Badge>
  );
}

/** A failed first load (nothing to keep): what failed and that it retries by itself. */
export function LoadError({ what, error }: { what: string; error: unknown }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div role="alert" className="rounded-md border border-red-300/60 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-400/30 dark:bg-red-400/10 dark:text-red-300">
      Could not load {what}: {message} Retrying automatically.
    </div>
  );
}

/** A card's body before its first data: placeholder bars while loading, or the error once it failed. */
export function FirstLoad({ what, isError, error, bars = ["h-16 w-full"] }: { what: string; isError: boolean; error: unknown; bars?: string[] }) {
  if (isError)
    return (
      <div className="p-4">
        <LoadError what={what} error={error} />
      </div>
    );
  return (
    <div aria-busy className="space-y-2 p-4">
      {bars.map((b, i) => (
        <Skeleton key={i} className={b} />
      ))}
    </div>
  );
}
