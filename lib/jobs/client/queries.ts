import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { z } from "zod";
import { JobDetailDtoSchema, JobPageDtoSchema, type JobDetailDto, type JobPageDto } from "@/lib/api/specs/jobs";
import { isFinalJobStatus } from "@/lib/domain/job/status";
import { fetchJson } from "@/lib/queries/fetch-json";

export interface JobListFilter {
  endpointId?: string;
  /** One status, "flagged", or undefined for all. */
  status?: string;
}

export const jobKeys = {
  all: ["jobs"] as const,
  list: (f: JobListFilter) => [...jobKeys.all, "list", { endpointId: f.endpointId ?? null, status: f.status ?? null }] as const,
  detail: (id: string) => [...jobKeys.all, "detail", id] as const,
};

export const JOB_PAGE_SIZE = 25;

export function jobListUrl(f: JobListFilter, cursor?: string | null): string {
  const p = new URLSearchParams({ limit: String(JOB_PAGE_SIZE) });
  if (f.endpointId) p.set("endpointId", f.endpointId);
  if (f.status === "flagged") p.set("flagged", "true");
  else if (f.status) p.set("status", f.status);
  if (cursor) p.set("cursor", cursor);
  return `/api/jobs?${p}`;
}

type PageLoader = (ctx: { cursor: string | null; signal?: AbortSignal }) => Promise<JobPageDto>;

/** Pages of jobs (newest first). Polls fast while a visible job is still moving. */
export function jobListQueryOptions(f: JobListFilter, load: PageLoader = ({ cursor, signal }) => fetchJson(jobListUrl(f, cursor), JobPageDtoSchema, { signal })) {
  return infiniteQueryOptions({
    queryKey: jobKeys.list(f),
    queryFn: ({ pageParam, signal }) => load({ cursor: pageParam, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    maxPages: 8,
    staleTime: 3_000,
    refetchInterval: (query) => {
      if (query.state.status === "error") return 15_000;
      const moving = query.state.data?.pages.some((p) => p.jobs.some((j) => !isFinalJobStatus(j.status)));
      return moving ? 3_000 : 20_000;
    },
  });
}

export function jobQueryOptions(id: string, load: (ctx: { signal?: AbortSignal }) => Promise<{ job: JobDetailDto }> = ({ signal }) => fetchJson(`/api/jobs/${encodeURIComponent(id)}`, z.object({ job: JobDetailDtoSchema }), { signal })) {
  return queryOptions({
    queryKey: jobKeys.detail(id),
    queryFn: ({ signal }) => load({ signal }),
    staleTime: 3_000,
    refetchInterval: (query) => (query.state.data && isFinalJobStatus(query.state.data.job.status) ? false : 3_000),
  });
}
