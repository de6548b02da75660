// The sweep page's URL state (trial table filters, sort, page), parsed by one schema on the
// server (page.tsx prefetch) and in the browser (the table), so both ask for the same trials.
import { z } from "zod";
import { TRIAL_STATUSES, TrialSortSchema, type TrialStatusName } from "@/lib/api/specs/sweeps";
import type { TrialFilters, TrialPageParams } from "@/lib/sweeps/client/queries";
import { defineUrlState } from "@/components/url-state";

export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 25;

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const finite = z.preprocess(first, z.coerce.number().refine(Number.isFinite)).optional().catch(undefined);

/** Bad values fall back to defaults instead of failing the page: a URL is user input. Keys in URL order. */
export const TrialSearchParamsSchema = z.object({
  status: z
    .preprocess(
      (v) => (Array.isArray(v) ? v : typeof v === "string" ? [v] : [])
        .flatMap((s) => String(s).split(","))
        .filter((s): s is TrialStatusName => (TRIAL_STATUSES as readonly string[]).includes(s)),
      z.array(z.enum(TRIAL_STATUSES)),
    )
    .transform((a) => [...new Set(a)].sort())
    .catch([]),
  sort: z.preprocess(first, TrialSortSchema).catch("number"),
  order: z.preprocess(first, z.enum(["asc", "desc"]).optional()).catch(undefined),
  limit: z
    .preprocess(first, z.coerce.number().int())
    .refine((n) => (PAGE_SIZES as readonly number[]).includes(n))
    .catch(DEFAULT_PAGE_SIZE),
  valueMin: finite,
  valueMax: finite,
  cursor: z.preprocess(first, z.string().min(1).max(300).optional()).catch(undefined),
  /** the trial opened in the detail dialog */
  trial: z.preprocess(first, z.string().min(1).max(64).optional()).catch(undefined),
});

export type TrialSearchParams = z.infer<typeof TrialSearchParamsSchema>;

export const trialUrlState = defineUrlState(TrialSearchParamsSchema);

export const parseTrialSearchParams = trialUrlState.parse;

/** The URL query for a state: defaults omitted, so equal states give equal URLs. */
export function trialSearchParamsToQuery(p: TrialSearchParams): URLSearchParams {
  return trialUrlState.query(p);
}

/** The filters alone (no sort/page): what the export and the trial count depend on. */
export function trialFilterQuery(p: TrialSearchParams): URLSearchParams {
  return trialUrlState.query(p, ["status", "valueMin", "valueMax"]);
}

export function hasTrialFilters(p: TrialSearchParams): boolean {
  return p.status.length > 0 || p.valueMin !== undefined || p.valueMax !== undefined;
}

/** The query-option params of a URL state (server prefetch and client poll build the same key from it). */
export function toTrialPageParams(p: TrialSearchParams): TrialPageParams {
  return { status: p.status, sort: p.sort, order: p.order, limit: p.limit, cursor: p.cursor, valueMin: p.valueMin, valueMax: p.valueMax };
}

export function toTrialFilters(p: TrialSearchParams): TrialFilters {
  return { status: p.status, valueMin: p.valueMin, valueMax: p.valueMax };
}
