"use client";

import { useQuery } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { CardSection } from "@/components/ui/card";
import { ActivityIcon, DatabaseIcon, ServerIcon } from "@/components/ui/icons";
import { Stat, StatGrid } from "@/components/ui/stat";
import { Skeleton } from "@/components/ui/skeleton";
import { useNow } from "@/components/hooks/use-now";
import { describeDataAge } from "@/components/layout/data-age-text";
import { formatDuration } from "@/lib/format/time";
import { healthQueryOptions, POLLER_STALE_AFTER_SECONDS } from "@/lib/queries/system";

/** Database, mode and poller at a glance, from the same health query as the header. */
export function SystemStatus() {
  const { data, isError, dataUpdatedAt } = useQuery(healthQueryOptions());
  const now = useNow();
  const elapsedMs = now === null || dataUpdatedAt === 0 ? 0 : now - dataUpdatedAt;
  const age = describeDataAge({ health: data, elapsedMs, fetchFailed: isError, staleAfterSeconds: POLLER_STALE_AFTER_SECONDS });

  return (
    <CardSection id="system-heading" title="System" description="What this sweepwatch instance is connected to.">
      {!data ? (
        <div className="p-4" aria-busy="true">
          {isError ? (
            <p className="text-sm text-red-600 dark:text-red-400">The health check at /api/health did not answer. Is the web server running?</p>
          ) : (
            <Skeleton className="h-12 w-full" />
          )}
        </div>
      ) : (
        <StatGrid label="System status">
          <Stat
            label="Database"
            icon={<DatabaseIcon size={14} />}
            value={data.database === "up" ? <Badge tone="success" dot>up</Badge> : <Badge tone="danger" dot>down</Badge>}
            hint={data.database === "up" ? "PostgreSQL reachable" : "Run npx sweepwatch doctor to see why"}
          />
          <Stat
            label="RunPod"
            icon={<ServerIcon size={14} />}
            value={data.mode === "demo" ? <Badge tone="warning">demo · simulated</Badge> : <Badge tone="accent">live</Badge>}
            hint={data.mode === "demo" ? "Set RUNPOD_API_KEY to watch real endpoints" : "Using the RunPod API key from the configuration"}
          />
          <Stat
            label="Poller"
            icon={<ActivityIcon size={14} />}
            value={
              data.poller.lastTickAt === null ? (
                <Badge tone="neutral">never ran</Badge>
              ) : (
                <Badge tone={age.tone === "fresh" ? "success" : "warning"} dot>
                  <span suppressHydrationWarning>
                    last tick {formatDuration((data.poller.ageSeconds ?? 0) + elapsedMs / 1000)} ago
                  </span>
                </Badge>
              )
            }
            hint={data.poller.lastTickAt === null ? "Starts with npm start; ticks appear here" : age.tone === "stale" ? "Stale: is the poller running?" : "Newest tick of any poller process"}
          />
        </StatGrid>
      )}
    </CardSection>
  );
}
