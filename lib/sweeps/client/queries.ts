import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import {
  SweepAnalysisDtoSchema,
  SweepDetailDtoSchema,
  SweepListDtoSchema,
  TrialPageDtoSchema,
  type SweepAnalysisDto,
  type SweepDetailDto,
  type SweepListDto,
  type SweepState,
  type TrialPageDto,
  type TrialSort,
  type TrialStatusName,
} from "@/lib/api/specs/sweeps";
import { fetchJson } from "@/lib/queries/fetch-json";
import { LIVE_SWEEP_STATES, type SweepAction } from "@/lib/domain/sweep/states";

/** URL state of the trial table (and the export link): one shape for server and client. */
export interface TrialFilters {
  status?: TrialStatusName[];
  valueMin?: number;
  valueMax?: number;
}

export interface TrialPageParams extends TrialFilters {
  sort?: TrialSort;
  order?: "asc" | "desc";
  limit?: number;
  cursor?: string;
}

export interface SweepListParams {
  limit?: number;
  cursor?: string;
  endpointId?: string;
  state?: SweepState[];
}

/** Query keys of the sweeps resource. Keys come only from here. */
export const sweepKeys = {
  all: ["sweeps"] as const,
  lists: () => [...sweepKeys.all, "list"] as const,
  list: (p: SweepListParams = {}) => [...sweepKeys.lists(), normalise(p)] as const,
  detail: (id: string) => [...sweepKeys.all, "detail", id] as const,
  trials: (id: string, p: TrialPageParams = {}) => [...sweepKeys.detail(id), "trials", normalise(p)] as const,
  analysis: (id: string, points = 1000) => [...sweepKeys.detail(id), "analysis", points] as const,
};

function normalise<T extends object>(p: T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p).sort(([a], [b]) => a.localeCompare(b))) {
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = Array.isArray(v) ? [...v].sort() : v;
  }
  return out;
}

function search(p: object): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(normalise(p))) {
    if (Array.isArray(v)) q.set(k, v.join(","));
    else q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** URLs of the sweeps API (also for links such as the CSV/JSON export). */
export const sweepUrls = {
  list: (p: SweepListParams = {}) => `/api/sweeps${search(p)}`,
  detail: (id: string) => `/api/sweeps/${encodeURIComponent(id)}`,
  trials: (id: string, p: TrialPageParams = {}) => `/api/sweeps/${encodeURIComponent(id)}/trials${search(p)}`,
  analysis: (id: string, points = 1000) => `/api/sweeps/${encodeURIComponent(id)}/analysis?points=${points}`,
  export: (id: string, format: "csv" | "json", f: TrialFilters = {}) => `/api/sweeps/${encodeURIComponent(id)}/export${search({ ...f, format })}`,
  action: (id: string, verb: SweepAction) => `/api/sweeps/${encodeURIComponent(id)}/${verb}`,
  notes: (id: string) => `/api/sweeps/${encodeURIComponent(id)}/notes`,
};

const LIVE_STATES = new Set<SweepState>(LIVE_SWEEP_STATES);

/** Fast while something is live, slow otherwise; background tabs pause (TanStack's default). */
function liveInterval(live: boolean | undefined, errored: boolean): number {
  if (errored) return 30_000;
  return live ? 3_000 : 30_000;
}

type Load<T> = (ctx: { signal?: AbortSignal }) => Promise<T>;

export function sweepListQueryOptions(p: SweepListParams = {}, load?: Load<SweepListDto>) {
  return queryOptions({
    queryKey: sweepKeys.list(p),
    queryFn: ({ signal }) => (load ? load({ signal }) : fetchJson(sweepUrls.list(p), SweepListDtoSchema, { signal })),
    staleTime: 2_000,
    refetchInterval: (q) => liveInterval(q.state.data?.sweeps.some((s) => LIVE_STATES.has(s.state)), q.state.status === "error"),
  });
}

export function sweepQueryOptions(id: string, load?: Load<SweepDetailDto>) {
  return queryOptions({
    queryKey: sweepKeys.detail(id),
    queryFn: ({ signal }) => (load ? load({ signal }) : fetchJson(sweepUrls.detail(id), SweepDetailDtoSchema, { signal })),
    staleTime: 2_000,
    refetchInterval: (q) => liveInterval(q.state.data ? LIVE_STATES.has(q.state.data.state) : undefined, q.state.status === "error"),
  });
}

/**
 * One trial page. `live` (pass the sweep's state) keeps it polling while the sweep runs;
 * keepPreviousData avoids the table blanking when filters or the page change.
 */
export function trialPageQueryOptions(id: string, p: TrialPageParams = {}, opts: { live?: boolean; load?: Load<TrialPageDto> } = {}) {
  return queryOptions({
    queryKey: sweepKeys.trials(id, p),
    queryFn: ({ signal }) => (opts.load ? opts.load({ signal }) : fetchJson(sweepUrls.trials(id, p), TrialPageDtoSchema, { signal })),
    staleTime: 2_000,
    placeholderData: keepPreviousData,
    refetchInterval: (q) => liveInterval(opts.live, q.state.status === "error"),
  });
}

export function sweepAnalysisQueryOptions(id: string, points = 1000, opts: { live?: boolean; load?: Load<SweepAnalysisDto> } = {}) {
  return queryOptions({
    queryKey: sweepKeys.analysis(id, points),
    queryFn: ({ signal }) => (opts.load ? opts.load({ signal }) : fetchJson(sweepUrls.analysis(id, points), SweepAnalysisDtoSchema, { signal })),
    staleTime: 5_000,
    placeholderData: keepPreviousData,
    // The analysis is heavier than a page of trials: refresh less often.
    refetchInterval: (q) => (q.state.status === "error" ? 60_000 : opts.live ? 10_000 : 60_000),
  });
}
