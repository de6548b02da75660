import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import { z } from "zod";
import { IncidentDetailDtoSchema, IncidentPageDtoSchema, INCIDENT_STATES, type IncidentDetailDto, type IncidentPageDto } from "@/lib/api/specs/incidents";
import { CrashPageDtoSchema, type CrashPageDto } from "@/lib/api/specs/crashes";
import { fetchJson } from "@/lib/queries/fetch-json";
import { sendJson } from "@/lib/queries/send-json";

/** URL state of the incidents list (?state=open,acknowledged&endpoint=...), parsed the same on server and client. */
export interface IncidentFilters {
  state?: (typeof INCIDENT_STATES)[number][];
  endpointId?: string;
}

const FiltersSchema = z.object({
  state: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",").filter((s): s is (typeof INCIDENT_STATES)[number] => (INCIDENT_STATES as readonly string[]).includes(s)) : undefined)),
  endpoint: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/)
    .optional()
    .catch(undefined),
});

export function parseIncidentFilters(sp: Record<string, string | string[] | undefined>): IncidentFilters {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const r = FiltersSchema.safeParse({ state: first(sp.state), endpoint: first(sp.endpoint) });
  if (!r.success) return {};
  return { ...(r.data.state?.length ? { state: r.data.state } : {}), ...(r.data.endpoint ? { endpointId: r.data.endpoint } : {}) };
}

export function incidentFiltersToSearch(f: IncidentFilters): string {
  const p = new URLSearchParams();
  if (f.state?.length) p.set("state", f.state.join(","));
  if (f.endpointId) p.set("endpoint", f.endpointId);
  const s = p.toString();
  return s ? `?${s}` : "";
}

/** Query keys of the incidents resource. Keys come only from here. */
export const incidentKeys = {
  all: ["incidents"] as const,
  lists: () => [...incidentKeys.all, "list"] as const,
  list: (f: IncidentFilters) => [...incidentKeys.lists(), { state: f.state?.join(",") ?? "", endpointId: f.endpointId ?? "" }] as const,
  detail: (id: string) => [...incidentKeys.all, "detail", id] as const,
  crashes: (endpointId: string, from: string, to: string) => [...incidentKeys.all, "crashes", endpointId, from, to] as const,
};

export const INCIDENT_PAGE_SIZE = 50;

function listUrl(f: IncidentFilters): string {
  const p = new URLSearchParams({ limit: String(INCIDENT_PAGE_SIZE) });
  if (f.state?.length) p.set("state", f.state.join(","));
  if (f.endpointId) p.set("endpointId", f.endpointId);
  return `/api/incidents?${p}`;
}

/** Polls every 5 s while an incident is open, every 30 s otherwise. */
export function incidentListQueryOptions(f: IncidentFilters, load?: () => Promise<IncidentPageDto>) {
  return queryOptions({
    queryKey: incidentKeys.list(f),
    queryFn: ({ signal }) => (load ? load() : fetchJson(listUrl(f), IncidentPageDtoSchema, { signal })),
    placeholderData: keepPreviousData,
    staleTime: 4_000,
    refetchInterval: (q) => (q.state.data?.incidents.some((i) => i.state !== "resolved") ? 5_000 : 30_000),
  });
}

export function incidentQueryOptions(id: string, load?: () => Promise<{ incident: IncidentDetailDto }>) {
  return queryOptions({
    queryKey: incidentKeys.detail(id),
    queryFn: ({ signal }) => (load ? load() : fetchJson(`/api/incidents/${encodeURIComponent(id)}`, z.object({ incident: IncidentDetailDtoSchema }), { signal })),
    staleTime: 4_000,
    refetchInterval: (q) => (q.state.data?.incident.state === "resolved" ? 30_000 : 5_000),
  });
}

/** The crash events around one instant (a click on a timeline marker). */
export function crashesAroundQueryOptions(endpointId: string, at: number, spanMs = 1_000) {
  const from = new Date(at - spanMs).toISOString();
  const to = new Date(at + spanMs).toISOString();
  return queryOptions({
    queryKey: incidentKeys.crashes(endpointId, from, to),
    queryFn: ({ signal }): Promise<CrashPageDto> =>
      fetchJson(`/api/crashes?${new URLSearchParams({ endpointId, from, to, limit: "20" })}`, CrashPageDtoSchema, { signal }),
    staleTime: 60_000,
  });
}

const DetailResponse = z.object({ incident: IncidentDetailDtoSchema });

export function acknowledgeIncident(id: string) {
  return sendJson("POST", `/api/incidents/${encodeURIComponent(id)}/acknowledge`, undefined, DetailResponse);
}

export function resolveIncident(id: string, comment?: string) {
  return sendJson("POST", `/api/incidents/${encodeURIComponent(id)}/resolve`, comment ? { comment } : {}, DetailResponse);
}

export function saveIncidentNotes(id: string, notes: string, notesVersion: number) {
  return sendJson("PUT", `/api/incidents/${encodeURIComponent(id)}/notes`, { notes, notesVersion }, DetailResponse);
}
