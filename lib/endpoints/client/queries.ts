import { queryOptions } from "@tanstack/react-query";
import { z } from "zod";
import {
  EndpointDetailDtoSchema,
  EndpointListDtoSchema,
  SnapshotSeriesDtoSchema,
  WorkerListDtoSchema,
  type EndpointDetailDto,
  type EndpointListDto,
  type SnapshotSeriesDto,
  type WorkerListDto,
} from "@/lib/api/specs/endpoints";
import { fetchJson } from "@/lib/queries/fetch-json";

/** Query keys of endpoints and their nested resources. Keys come only from here. */
export const endpointKeys = {
  all: ["endpoints"] as const,
  list: () => [...endpointKeys.all, "list"] as const,
  detail: (id: string) => [...endpointKeys.all, "detail", id] as const,
  snapshots: (id: string, range: TimeRange) => [...endpointKeys.all, "snapshots", id, range] as const,
  workers: (id: string) => [...endpointKeys.all, "workers", id] as const,
};

// ───────────── URL state of the endpoint page (parsed by the server page and the client alike) ─────────────

export const TIME_RANGES = { "15m": 15 * 60_000, "1h": 3600_000, "6h": 6 * 3600_000, "24h": 24 * 3600_000, "7d": 7 * 24 * 3600_000 } as const;
export type TimeRange = keyof typeof TIME_RANGES;
export const TIME_RANGE_LABELS: Record<TimeRange, string> = { "15m": "15 min", "1h": "1 hour", "6h": "6 hours", "24h": "24 hours", "7d": "7 days" };
export const SNAPSHOT_POINTS = 120;

const one = z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.string().trim().max(200).optional()).catch(undefined);

export const EndpointPageStateSchema = z.object({
  range: z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.enum(Object.keys(TIME_RANGES) as [TimeRange, ...TimeRange[]])).catch("1h"),
  /** Job table filter: one status, "flagged", or absent (all). */
  status: one,
  /** Log viewer filters. */
  worker: one,
  job: one,
  q: one,
  tail: z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.enum(["1", "0"])).catch("1"),
});
export type EndpointPageState = z.infer<typeof EndpointPageStateSchema>;

/** Parses Next's searchParams (server) or URLSearchParams (client); bad values fall back to defaults. */
export function parseEndpointPageState(params: Record<string, string | string[] | undefined> | URLSearchParams): EndpointPageState {
  const obj = params instanceof URLSearchParams ? Object.fromEntries(params.entries()) : params;
  return EndpointPageStateSchema.parse(obj);
}

/** Query string for a state, without defaults, so URLs stay short. */
export function endpointPageQuery(state: Partial<EndpointPageState>): string {
  const p = new URLSearchParams();
  if (state.range && state.range !== "1h") p.set("range", state.range);
  if (state.status) p.set("status", state.status);
  if (state.worker) p.set("worker", state.worker);
  if (state.job) p.set("job", state.job);
  if (state.q) p.set("q", state.q);
  if (state.tail === "0") p.set("tail", "0");
  const s = p.toString();
  return s ? `?${s}` : "";
}

// ───────────── options (one set for server prefetch and client polling) ─────────────

type Loader<T> = (ctx: { signal?: AbortSignal }) => Promise<T>;

/** Data younger than this counts as live: poll fast. */
const LIVE_AGE_SECONDS = 120;

function hasLiveEndpoint(list: { paused: boolean; snapshotAgeSeconds: number | null }[]): boolean {
  return list.some((e) => !e.paused && e.snapshotAgeSeconds !== null && e.snapshotAgeSeconds < LIVE_AGE_SECONDS);
}

export function endpointsListQueryOptions(load: Loader<EndpointListDto> = ({ signal }) => fetchJson("/api/endpoints", EndpointListDtoSchema, { signal })) {
  return queryOptions({
    queryKey: endpointKeys.list(),
    queryFn: ({ signal }) => load({ signal }),
    staleTime: 3_000,
    // Fast while some endpoint reports fresh snapshots, slow otherwise; background tabs pause.
    refetchInterval: (query) => {
      if (query.state.status === "error") return 15_000;
      const data = query.state.data;
      return data && hasLiveEndpoint(data.endpoints) ? 5_000 : 30_000;
    },
  });
}

export function endpointQueryOptions(id: string, load: Loader<{ endpoint: EndpointDetailDto }> = ({ signal }) => fetchJson(`/api/endpoints/${encodeURIComponent(id)}`, z.object({ endpoint: EndpointDetailDtoSchema }), { signal })) {
  return queryOptions({
    queryKey: endpointKeys.detail(id),
    queryFn: ({ signal }) => load({ signal }),
    staleTime: 3_000,
    refetchInterval: (query) => {
      if (query.state.status === "error") return 15_000;
      const e = query.state.data?.endpoint;
      return e && hasLiveEndpoint([e]) ? 5_000 : 30_000;
    },
  });
}

export function snapshotsQueryOptions(
  id: string,
  range: TimeRange,
  load: Loader<SnapshotSeriesDto> = ({ signal }) => {
    const to = new Date();
    const from = new Date(to.getTime() - TIME_RANGES[range]);
    const qs = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), points: String(SNAPSHOT_POINTS) });
    return fetchJson(`/api/endpoints/${encodeURIComponent(id)}/snapshots?${qs}`, SnapshotSeriesDtoSchema, { signal });
  },
) {
  return queryOptions({
    queryKey: endpointKeys.snapshots(id, range),
    queryFn: ({ signal }) => load({ signal }),
    staleTime: 5_000,
    // A point is range/120 wide: refetching faster than a point grows only redraws the same chart.
    refetchInterval: (query) => (query.state.status === "error" ? 20_000 : Math.max(10_000, Math.min(TIME_RANGES[range] / SNAPSHOT_POINTS, 300_000))),
  });
}

export function workersQueryOptions(id: string, load: Loader<WorkerListDto> = ({ signal }) => fetchJson(`/api/endpoints/${encodeURIComponent(id)}/workers`, WorkerListDtoSchema, { signal })) {
  return queryOptions({
    queryKey: endpointKeys.workers(id),
    queryFn: ({ signal }) => load({ signal }),
    staleTime: 3_000,
    refetchInterval: (query) => {
      if (query.state.status === "error") return 15_000;
      const live = query.state.data?.workers.some((w) => w.goneAt === null);
      return live ? 5_000 : 30_000;
    },
  });
}
