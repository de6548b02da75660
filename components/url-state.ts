// One way to read and write a page's state in its URL, on the server (a page's searchParams) and in the
// browser (URLSearchParams) alike, so both ask for the same data. The hook that writes it is
// components/hooks/use-url-state.ts.
import type { z } from "zod";

/** Next's `searchParams` of a server page. */
export type SearchParamsRecord = Record<string, string | string[] | undefined>;

/** A value as it goes into a URL: arrays comma-joined; undefined, null, "" and [] are left out. */
export type SearchValue = string | number | boolean | readonly (string | number)[] | null | undefined;

/** The record form of either input; a key given more than once becomes an array, as on the server. */
export function searchParamsRecord(input: SearchParamsRecord | URLSearchParams): SearchParamsRecord {
  if (!(input instanceof URLSearchParams)) return input;
  const raw: SearchParamsRecord = {};
  for (const key of new Set(input.keys())) {
    const all = input.getAll(key);
    raw[key] = all.length > 1 ? all : all[0];
  }
  return raw;
}

function encode(v: SearchValue): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = Array.isArray(v) ? v.join(",") : String(v);
  return s === "" ? undefined : s;
}

/** The query of `values` in their key order, leaving out empty values and those equal to `defaults`. */
export function toQuery(values: Record<string, SearchValue>, defaults: Record<string, SearchValue> = {}): URLSearchParams {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    const s = encode(value);
    if (s !== undefined && s !== encode(defaults[key])) q.set(key, s);
  }
  return q;
}

/** `path` with the query of `values` ("?a=1&b=2"), or `path` alone when every value is empty. */
export function withQuery(path: string, values: Record<string, SearchValue>, defaults?: Record<string, SearchValue>): string {
  const q = toQuery(values, defaults).toString();
  return q ? `${path}?${q}` : path;
}

/**
 * A page's URL state from one zod object schema whose fields fall back (`.catch`) to their defaults: any URL
 * parses (a URL is user input), and an empty URL parses to the defaults. Written back in the schema's key
 * order without defaults, so equal states give equal URLs.
 */
export function defineUrlState<S extends z.ZodObject>(schema: S) {
  type State = z.infer<S>;
  const defaults = schema.parse({}) as Record<string, SearchValue>;
  const keys = Object.keys(schema.shape) as (keyof State & string)[];
  const pick = (state: Partial<State>, only: readonly (keyof State & string)[]) =>
    Object.fromEntries(only.map((k) => [k, state[k] as SearchValue])) as Record<string, SearchValue>;
  return {
    parse: (input: SearchParamsRecord | URLSearchParams): State => schema.parse(searchParamsRecord(input)),
    /** The query of a state, or of some of its keys. */
    query: (state: Partial<State>, only: readonly (keyof State & string)[] = keys): URLSearchParams => toQuery(pick(state, only), defaults),
    /** "?a=1&b=2", or "" for the default state. */
    search: (state: Partial<State>): string => {
      const q = toQuery(pick(state, keys), defaults).toString();
      return q ? `?${q}` : "";
    },
  };
}
