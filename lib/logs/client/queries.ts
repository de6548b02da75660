import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { LogPageDtoSchema, type LogPageDto } from "@/lib/api/specs/logs";
import { fetchJson } from "@/lib/queries/fetch-json";

export interface LogViewFilter {
  endpointId: string;
  workerId?: string;
  jobId?: string;
  q?: string;
}

export const logKeys = {
  all: ["logs"] as const,
  search: (f: LogViewFilter) => [...logKeys.all, "search", normalize(f)] as const,
  tail: (f: LogViewFilter, afterId: string) => [...logKeys.all, "tail", normalize(f), afterId] as const,
};

function normalize(f: LogViewFilter) {
  return { endpointId: f.endpointId, workerId: f.workerId ?? null, jobId: f.jobId ?? null, q: f.q?.trim() || null };
}

export const LOG_PAGE_SIZE = 200;

export function logFilterParams(f: LogViewFilter): URLSearchParams {
  const p = new URLSearchParams({ endpointId: f.endpointId });
  if (f.workerId) p.set("workerId", f.workerId);
  if (f.jobId) p.set("jobId", f.jobId);
  if (f.q?.trim()) p.set("q", f.q.trim());
  return p;
}

export function logDownloadUrl(f: LogViewFilter): string {
  return `/api/logs/download?${logFilterParams(f)}`;
}

type PageLoader = (ctx: { cursor: string | null; signal?: AbortSignal }) => Promise<LogPageDto>;

/** Newest lines first; further pages go back in time. Not polled: the tail query brings new lines. */
export function logSearchQueryOptions(
  f: LogViewFilter,
  load: PageLoader = ({ cursor, signal }) => {
    const p = logFilterParams(f);
    p.set("limit", String(LOG_PAGE_SIZE));
    if (cursor) p.set("cursor", cursor);
    return fetchJson(`/api/logs?${p}`, LogPageDtoSchema, { signal });
  },
) {
  return infiniteQueryOptions({
    queryKey: logKeys.search(f),
    queryFn: ({ pageParam, signal }) => load({ cursor: pageParam, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: Infinity,
    maxPages: 25,
  });
}

export interface LogTail {
  afterId: string;
  lines: LogPageDto["lines"];
}

/**
 * Live tail: polls for lines stored after `startId` (the newest id when the search loaded) and
 * accumulates them in the query's own data, keeping the last `max`. A new startId (new filter,
 * reloaded search) starts a new tail.
 */
export function logTailQueryOptions(f: LogViewFilter, startId: string, opts: { enabled: boolean; previous: () => LogTail | undefined; max: number }) {
  return queryOptions({
    queryKey: logKeys.tail(f, startId),
    queryFn: async ({ signal }): Promise<LogTail> => {
      const prev = opts.previous();
      const p = logFilterParams(f);
      p.set("afterId", prev?.afterId ?? startId);
      p.set("limit", "500");
      const page = await fetchJson(`/api/logs?${p}`, LogPageDtoSchema, { signal });
      const lines = page.lines.length ? [...(prev?.lines ?? []), ...page.lines].slice(-opts.max) : (prev?.lines ?? []);
      return { afterId: page.maxId ?? prev?.afterId ?? startId, lines };
    },
    enabled: opts.enabled,
    staleTime: 0,
    gcTime: 30_000,
    refetchInterval: (query) => (query.state.status === "error" ? 10_000 : 2_000),
  });
}
