import { queryOptions } from "@tanstack/react-query";
import { OverviewDtoSchema, type OverviewDto } from "@/lib/api/specs/criteria";
import { fetchJson } from "./fetch-json";

/** Query keys of the overview (home page). */
export const overviewKeys = {
  all: ["overview"] as const,
  summary: () => [...overviewKeys.all, "summary"] as const,
};

/** Fast while something is live (an open incident, flagged jobs, a running sweep), slower otherwise. */
export function overviewInterval(data: OverviewDto | undefined, errored: boolean): number {
  if (errored || !data) return 15_000;
  const live = data.incidents.open > 0 || data.flaggedJobs.total > 0 || data.sweeps.running > 0;
  return live ? 5_000 : 15_000;
}

export function overviewQueryOptions(load?: () => Promise<OverviewDto>) {
  return queryOptions({
    queryKey: overviewKeys.summary(),
    queryFn: ({ signal }) => (load ? load() : fetchJson("/api/overview", OverviewDtoSchema, { signal })),
    staleTime: 4_000,
    refetchInterval: (query) => overviewInterval(query.state.data, query.state.status === "error"),
  });
}
