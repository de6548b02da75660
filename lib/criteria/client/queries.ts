import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import {
  CriteriaListDtoSchema,
  CriterionDetailDtoSchema,
  CriterionDtoSchema,
  EvaluateResultDtoSchema,
  SmokeRunDtoSchema,
  SmokeSettingsDtoSchema,
  type CriteriaListDto,
  type CriterionDetailDto,
} from "@/lib/api/specs/criteria";
import { EndpointIdSchema } from "@/lib/api/specs/endpoints";
import { fetchJson } from "@/lib/queries/fetch-json";
import { sendJson } from "@/lib/queries/send-json";

/** URL state of the criteria page: ?endpoint=<id>. One parser for the server page and the client board. */
export interface CriteriaFilter {
  endpointId?: string;
}

export function parseCriteriaSearchParams(sp: Record<string, string | string[] | undefined> | URLSearchParams): CriteriaFilter {
  const raw = sp instanceof URLSearchParams ? sp.get("endpoint") : sp.endpoint;
  const v = Array.isArray(raw) ? raw[0] : raw;
  const parsed = EndpointIdSchema.safeParse(v ?? "");
  return parsed.success ? { endpointId: parsed.data } : {};
}

export const CRITERIA_TREND_DAYS = 28;

/** Query keys of the criteria resource. Keys come only from here. */
export const criteriaKeys = {
  all: ["criteria"] as const,
  list: (f: CriteriaFilter = {}) => [...criteriaKeys.all, "list", { endpointId: f.endpointId ?? null, days: CRITERIA_TREND_DAYS }] as const,
  detail: (id: string, f: CriteriaFilter = {}) => [...criteriaKeys.all, "detail", id, f.endpointId ?? null] as const,
  smokeSettings: (endpointId: string) => [...criteriaKeys.all, "smoke-settings", endpointId] as const,
};

const q = (f: CriteriaFilter, extra: Record<string, string> = {}) => {
  const p = new URLSearchParams({ ...(f.endpointId ? { endpointId: f.endpointId } : {}), ...extra });
  const s = p.toString();
  return s ? `?${s}` : "";
};

export const criteriaUrls = {
  list: (f: CriteriaFilter = {}) => `/api/criteria${q(f, { days: String(CRITERIA_TREND_DAYS) })}`,
  detail: (id: string, f: CriteriaFilter = {}) => `/api/criteria/${encodeURIComponent(id)}${q(f)}`,
  attest: (id: string) => `/api/criteria/${encodeURIComponent(id)}/attest`,
  evaluate: () => "/api/criteria/evaluate",
  smoke: () => "/api/criteria/smoke",
  smokeSettings: (endpointId?: string) => `/api/criteria/smoke/settings${endpointId ? `?endpointId=${encodeURIComponent(endpointId)}` : ""}`,
  report: (f: CriteriaFilter = {}) => `/api/criteria/report.md${q(f)}`,
  /** The page itself with a filter (for links and the filter control). */
  page: (f: CriteriaFilter = {}) => `/criteria${f.endpointId ? `?endpoint=${encodeURIComponent(f.endpointId)}` : ""}`,
};

/**
 * The criteria list. Evaluations are stored every minute by the poller, so a 30-s poll is plenty;
 * background tabs pause (TanStack's default).
 */
export function criteriaQueryOptions(f: CriteriaFilter = {}, load?: (f: CriteriaFilter) => Promise<CriteriaListDto>) {
  return queryOptions({
    queryKey: criteriaKeys.list(f),
    queryFn: ({ signal }) => (load ? load(f) : fetchJson(criteriaUrls.list(f), CriteriaListDtoSchema, { signal })),
    staleTime: 10_000,
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.status === "error" ? 60_000 : 30_000),
  });
}

/** One criterion with its history; fetched when its history panel opens. */
export function criterionQueryOptions(id: string, f: CriteriaFilter = {}, load?: (id: string, f: CriteriaFilter) => Promise<CriterionDetailDto>) {
  return queryOptions({
    queryKey: criteriaKeys.detail(id, f),
    queryFn: ({ signal }) => (load ? load(id, f) : fetchJson(criteriaUrls.detail(id, f), CriterionDetailDtoSchema, { signal })),
    staleTime: 10_000,
    refetchInterval: 60_000,
  });
}

export const updateCriterionParams = (id: string, params: Record<string, unknown>) =>
  sendJson("PATCH", criteriaUrls.detail(id), { params }, CriterionDtoSchema);
export const attestCriterion = (id: string, body: { link?: string | null; note?: string | null }) =>
  sendJson("POST", criteriaUrls.attest(id), body, CriterionDetailDtoSchema);
export const evaluateCriteria = () => sendJson("POST", criteriaUrls.evaluate(), undefined, EvaluateResultDtoSchema);
export const runSmokeJobNow = (endpointId: string) => sendJson("POST", criteriaUrls.smoke(), { endpointId }, SmokeRunDtoSchema);

export const smokeSettingsQueryOptions = (endpointId: string) =>
  queryOptions({ queryKey: criteriaKeys.smokeSettings(endpointId), queryFn: ({ signal }) => fetchJson(criteriaUrls.smokeSettings(endpointId), SmokeSettingsDtoSchema, { signal }) });

export const saveSmokeSettings = (body: { endpointId: string; optIn: boolean; input: Record<string, unknown> | null; expect: Record<string, unknown> | null }) =>
  sendJson("PUT", criteriaUrls.smokeSettings(), body, SmokeSettingsDtoSchema);
