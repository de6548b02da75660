// Query keys and options of the sweeps pages. Server pages prefetch with these very options
// (passing a lib/data loader as `load`); the client components poll with them.
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
} from "@/lib/api/specs/sweeps";
import { fetchJson } from "@/lib/queries/fetch-json";
import { trialSearchParamsToQuery, type TrialSearchParams } from "./trial-search-params";

type Load<T> = (ctx: { signal?: AbortSignal }) => Promise<T>;

export const sweepKeys = {
  all: ["sweeps"] as const,
  list: () => [...sweepKeys.all, "list"] as const,
  detail: (id: string) => [...sweepKeys.all, "detail", id] as const,
  trials: (id: string, p: TrialSearchParams) => [...sweepKeys.all, "detail", id, "trials", trialSearchParamsToQuery(p).toString()] as const,
  analysis: (id: string) => [...sweepKeys.all, "detail", id, "analysis"] as const,
};

/** States in which trials still change: poll fast. */
export const LIVE_STATES: readonly SweepState[] = ["pending", "running", "stopping"];
export const isLive = (state: SweepState | undefined) => state !== undefined && LIVE_STATES.includes(state);

const FAST = 2_500;
const SLOW = 30_000;

export const SWEEP_LIST_LIMIT = 100;

export function sweepListQueryOptions(load: Load<SweepListDto> = ({ signal }) => fetchJson(`/api/sweeps?limit=${SWEEP_LIST_LIMIT}`, SweepListDtoSchema, { signal })) {
  return queryOptions({
    queryKey: sweepKeys.list(),
    queryFn: ({ signal }) => load({ signal }),
    staleTime: 2_000,
    refetchInterval: (q) => (q.state.data?.sweeps.some((s) => isLive(s.state) || s.state === "paused") ? 4_000 : SLOW),
  });
}

export function sweepQueryOptions(id: string, load: Load<SweepDetailDto> = ({ signal }) => fetchJson(`/api/sweeps/${encodeURIComponent(id)}`, SweepDetailDtoSchema, { signal })) {
  return queryOptions({
    queryKey: sweepKeys.detail(id),
    queryFn: ({ signal }) => load({ signal }),
    staleTime: 1_000,
    refetchInterval: (q) => (isLive(q.state.data?.state) ? FAST : SLOW),
  });
}

export function trialsQueryOptions(
  id: string,
  params: TrialSearchParams,
  opts: { live?: boolean; load?: Load<TrialPageDto> } = {},
) {
  const load: Load<TrialPageDto> =
    opts.load ?? (({ signal }) => fetchJson(`/api/sweeps/${encodeURIComponent(id)}/trials?${trialSearchParamsToQuery(params)}`, TrialPageDtoSchema, { signal }));
  return queryOptions({
    queryKey: sweepKeys.trials(id, params),
    queryFn: ({ signal }) => load({ signal }),
    staleTime: 1_000,
    // The table keeps the rows it shows while the next sort/filter/page loads: no blank flash.
    placeholderData: keepPreviousData,
    refetchInterval: opts.live ? FAST : SLOW,
  });
}

export const ANALYSIS_POINTS = 1000;

export function sweepAnalysisQueryOptions(
  id: string,
  opts: { live?: boolean; load?: Load<SweepAnalysisDto> } = {},
) {
  const load: Load<SweepAnalysisDto> =
    opts.load ?? (({ signal }) => fetchJson(`/api/sweeps/${encodeURIComponent(id)}/analysis?points=${ANALYSIS_POINTS}`, SweepAnalysisDtoSchema, { signal }));
  return queryOptions({
    queryKey: sweepKeys.analysis(id),
    queryFn: ({ signal }) => load({ signal }),
    staleTime: 2_000,
    placeholderData: keepPreviousData,
    refetchInterval: opts.live ? 5_000 : 60_000,
  });
}
