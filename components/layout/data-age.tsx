"use client";

import { useQuery } from "@tanstack/react-query";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { useNow } from "@/components/hooks/use-now";
import { healthQueryOptions, POLLER_STALE_AFTER_SECONDS } from "@/lib/queries/system";
import { describeDataAge, type DataAgeTone } from "./data-age-text";

const TONE: Record<DataAgeTone, BadgeTone> = {
  pending: "neutral",
  fresh: "success",
  stale: "warning",
  never: "neutral",
  down: "danger",
  error: "danger",
};

/** Header indicator: how old the poller's data is, from /api/health. */
export function DataAge() {
  const { data, isError, dataUpdatedAt } = useQuery(healthQueryOptions());
  const now = useNow();
  const view = describeDataAge({
    health: data,
    elapsedMs: now === null || dataUpdatedAt === 0 ? 0 : now - dataUpdatedAt,
    fetchFailed: isError,
    staleAfterSeconds: POLLER_STALE_AFTER_SECONDS,
  });
  return (
    <div aria-label="Data age" role="group" title={view.detail} className="flex items-center">
      <Badge tone={TONE[view.tone]} dot pulse={view.tone === "fresh"}>
        <span suppressHydrationWarning>{view.text}</span>
      </Badge>
      <span className="sr-only">{view.detail}</span>
    </div>
  );
}
