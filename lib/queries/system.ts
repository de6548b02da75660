import { queryOptions } from "@tanstack/react-query";
import { HealthDtoSchema, type HealthDto } from "@/lib/api/specs/system";
import { fetchJson } from "./fetch-json";

/*
 * Conventions for every lib/queries/<resource>.ts:
 * - one key factory `<resource>Keys` rooted at `all` (e.g. endpointKeys.all = ["endpoints"],
 *   .list(filters) = [...all, "list", filters], .detail(id) = [...all, "detail", id]);
 *   keys are built only there, so invalidating `all` reaches every query of the resource;
 * - one `xQueryOptions(...)` per read, used both by the page's server prefetch (passing a
 *   lib/data reader as the loader) and by the client component that polls;
 * - the polling interval lives in the options and depends on the data.
 */

/** Query keys of the system resource. */
export const healthKeys = {
  all: ["system"] as const,
  health: () => [...healthKeys.all, "health"] as const,
};

/** The poller counts as fresh while its last tick is younger than this. */
export const POLLER_STALE_AFTER_SECONDS = 60;

export function fetchHealth({ signal }: { signal?: AbortSignal } = {}): Promise<HealthDto> {
  // 503 means "database down" and still carries the health document.
  return fetchJson("/api/health", HealthDtoSchema, { acceptStatuses: [503], signal });
}

/**
 * Options for the health query. The browser fetches /api/health; a server
 * component passes `getSystemHealth` as `load` and prefetches with the same
 * key and timings.
 */
export function healthQueryOptions(load: (ctx: { signal?: AbortSignal }) => Promise<HealthDto> = fetchHealth) {
  return queryOptions({
    queryKey: healthKeys.health(),
    queryFn: ({ signal }) => load({ signal }),
    staleTime: 4_000,
    // Poll fast while the poller ticks, slower when it is idle or the check fails.
    // Background tabs pause (refetchIntervalInBackground defaults to false).
    refetchInterval: (query) => {
      const data = query.state.data;
      if (query.state.status === "error" || !data) return 15_000;
      if (data.database === "down" || data.poller.lastTickAt === null) return 10_000;
      return 5_000;
    },
  });
}
