"use client";

import { useUrlState } from "@/components/hooks/use-url-state";
import { trialUrlState, type TrialSearchParams } from "./trial-search-params";

/** The sweep page's URL state and a setter: shallow, so Back/Forward walk through filter changes. */
export function useTrialSearchParams(): [TrialSearchParams, (patch: Partial<TrialSearchParams>, opts?: { replace?: boolean }) => void] {
  return useUrlState(trialUrlState);
}
