"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { parseTrialSearchParams, trialSearchParamsToQuery, type TrialSearchParams } from "./trial-search-params";

/**
 * The sweep page's URL state and a setter. Updates go through the History API, which Next.js
 * folds into useSearchParams: no server round trip, and Back/Forward walk through filter changes.
 */
export function useTrialSearchParams(): [TrialSearchParams, (patch: Partial<TrialSearchParams>, opts?: { replace?: boolean }) => void] {
  const search = useSearchParams();
  const pathname = usePathname();
  const params = useMemo(() => parseTrialSearchParams(new URLSearchParams(search?.toString() ?? "")), [search]);
  const set = useCallback(
    (patch: Partial<TrialSearchParams>, opts: { replace?: boolean } = {}) => {
      const next = { ...params, ...patch };
      const q = trialSearchParamsToQuery(next).toString();
      const url = `${pathname}${q ? `?${q}` : ""}`;
      if (opts.replace) window.history.replaceState(null, "", url);
      else window.history.pushState(null, "", url);
    },
    [params, pathname],
  );
  return [params, set];
}
