import { queryOptions } from "@tanstack/react-query";
import { CrashGroupDiffDtoSchema, IncidentCostDtoSchema, PurgeDtoSchema } from "@/lib/api/specs/damage";
import { z } from "zod";
import { fetchJson } from "./fetch-json";

export const damageKeys = {
  cost: (incidentId: string) => ["incidents", incidentId, "cost"] as const,
  diff: (groupId: string) => ["crash-groups", groupId, "diff"] as const,
  purges: (endpointId: string) => ["endpoints", endpointId, "purges"] as const,
};

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
