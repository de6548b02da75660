"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";

/** How a page's state is read from and written to its URL (see components/url-state.ts). */
export interface UrlStateCodec<T> {
  parse: (params: URLSearchParams) => T;
  /** "?a=1", or "" for the default state. */
  search: (state: T) => string;
}

/**
 * A page's URL state and a setter that merges a patch into it. Shallow (the default): the History API,
 * which Next.js folds into useSearchParams: no server round trip, and Back/Forward walk through the
 * changes unless a write asks to replace. Not shallow: the router replaces the URL (no scroll jump) and
 * renders the server components again.
 */
export function useUrlState<T>(codec: UrlStateCodec<T>, { shallow = true }: { shallow?: boolean } = {}): [T, (patch: Partial<T>, opts?: { replace?: boolean }) => void] {
  const search = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const key = search?.toString() ?? "";
  const { parse, search: toSearch } = codec;
  const state = useMemo(() => parse(new URLSearchParams(key)), [parse, key]);
  const set = useCallback(
    (patch: Partial<T>, opts: { replace?: boolean } = {}) => {
      const url = `${pathname}${toSearch({ ...state, ...patch })}`;
      if (!shallow) router.replace(url, { scroll: false });
      else if (opts.replace) window.history.replaceState(null, "", url);
      else window.history.pushState(null, "", url);
    },
    [state, pathname, router, shallow, toSearch],
  );
  return [state, set];
}
