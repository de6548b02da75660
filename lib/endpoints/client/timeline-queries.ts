import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import { TimelineDtoSchema, type TimelineDto } from "@/lib/api/specs/crashes";
import { fetchJson } from "@/lib/queries/fetch-json";

/** A timeline window: either "live" (the last `spanMs`, moving) or fixed [from, to]. Lives in the URL (?span=, ?from=&to=). */
export type TimelineWindow = { kind: "live"; spanMs: number } | { kind: "fixed"; from: number; to: number };

export const TIMELINE_SPANS = { "15m": 15 * 60_000, "1h": 60 * 60_000, "6h": 6 * 60 * 60_000, "24h": 24 * 60 * 60_000 } as const;

export function parseTimelineWindow(sp: Record<string, string | string[] | undefined>): TimelineWindow {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const from = Date.parse(first(sp.from) ?? "");
  const to = Date.parse(first(sp.to) ?? "");
  if (!Number.isNaN(from) && !Number.isNaN(to) && from < to && to - from <= 7 * 86_400_000) return { kind: "fixed", from, to };
  const span = first(sp.span);
  const spanMs = span && span in TIMELINE_SPANS ? TIMELINE_SPANS[span as keyof typeof TIMELINE_SPANS] : TIMELINE_SPANS["15m"];
  return { kind: "live", spanMs };
}

export function timelineWindowToSearch(w: TimelineWindow): string {
  if (w.kind === "fixed") return `?from=${new Date(w.from).toISOString()}&to=${new Date(w.to).toISOString()}`;
  const name = Object.entries(TIMELINE_SPANS).find(([, v]) => v === w.spanMs)?.[0] ?? "15m";
  return `?span=${name}`;
}

/** The [from, to] a window covers at `now` (epoch ms). */
export function windowRange(w: TimelineWindow, now: number): { from: number; to: number } {
  return w.kind === "live" ? { from: now - w.spanMs, to: now } : { from: w.from, to: w.to };
}

/** Query keys of endpoint timelines. */
export const timelineKeys = {
  all: ["timeline"] as const,
  endpoint: (endpointId: string, w: TimelineWindow) => [...timelineKeys.all, endpointId, w.kind === "live" ? `live:${w.spanMs}` : `${w.from}-${w.to}`] as const,
};

/** Live windows poll every 5 s (the server computes "now"); fixed windows do not change and are not polled. */
export function timelineQueryOptions(endpointId: string, w: TimelineWindow, load?: () => Promise<TimelineDto>) {
  return queryOptions({
    queryKey: timelineKeys.endpoint(endpointId, w),
    queryFn: ({ signal }) => {
      if (load) return load();
      const { from, to } = windowRange(w, Date.now());
      const q = new URLSearchParams({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
      return fetchJson(`/api/endpoints/${encodeURIComponent(endpointId)}/timeline?${q}`, TimelineDtoSchema, { signal });
    },
    placeholderData: keepPreviousData,
    staleTime: 3_000,
    refetchInterval: w.kind === "live" ? 5_000 : false,
  });
}
