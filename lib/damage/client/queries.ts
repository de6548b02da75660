import { queryOptions } from "@tanstack/react-query";
import { CrashGroupDiffDtoSchema, EndpointCostDtoSchema, IncidentCostDtoSchema, PurgeDtoSchema, SweepCostDtoSchema } from "@/lib/api/specs/damage";
import { z } from "zod";
import { fetchJson } from "@/lib/queries/fetch-json";

export const damageKeys = {
  cost: (incidentId: string) => ["incidents", incidentId, "cost"] as const,
  diff: (groupId: string) => ["crash-groups", groupId, "diff"] as const,
  purges: (endpointId: string) => ["endpoints", endpointId, "purges"] as const,
  endpointCost: (endpointId: string, hours: number) => ["endpoints", endpointId, "cost", hours] as const,
  sweepCost: (sweepId: string) => ["sweeps", sweepId, "cost"] as const,
};

export const endpointCostQueryOptions = (endpointId: string, hours = 24) =>
  queryOptions({
    queryKey: damageKeys.endpointCost(endpointId, hours),
    queryFn: ({ signal }) => fetchJson(`/api/endpoints/${encodeURIComponent(endpointId)}/cost?hours=${hours}`, EndpointCostDtoSchema, { signal }),
    refetchInterval: 30_000,
  });

/** Refetched every 10 s while the sweep is live: running trials keep adding GPU time. */
export const sweepCostQueryOptions = (sweepId: string, live: boolean) =>
  queryOptions({
    queryKey: damageKeys.sweepCost(sweepId),
    queryFn: ({ signal }) => fetchJson(`/api/sweeps/${encodeURIComponent(sweepId)}/cost`, SweepCostDtoSchema, { signal }),
    refetchInterval: live ? 10_000 : false,
  });

/** Refetched every 5 s while the incident is open: the running total grows. */
export const incidentCostQueryOptions = (incidentId: string) =>
  queryOptions({
    queryKey: damageKeys.cost(incidentId),
    queryFn: ({ signal }) => fetchJson(`/api/incidents/${encodeURIComponent(incidentId)}/cost`, IncidentCostDtoSchema, { signal }),
    refetchInterval: (q) => (q.state.data?.running === false ? false : 5_000),
  });

export const crashGroupDiffQueryOptions = (groupId: string) =>
  queryOptions({ queryKey: damageKeys.diff(groupId), queryFn: ({ signal }) => fetchJson(`/api/crash-groups/${encodeURIComponent(groupId)}/diff`, CrashGroupDiffDtoSchema, { signal }) });

export const purgesQueryOptions = (endpointId: string) =>
  queryOptions({
    queryKey: damageKeys.purges(endpointId),
    queryFn: ({ signal }) => fetchJson(`/api/endpoints/${encodeURIComponent(endpointId)}/purges`, z.object({ purges: z.array(PurgeDtoSchema) }), { signal }),
  });
