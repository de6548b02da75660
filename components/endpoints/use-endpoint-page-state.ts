"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { endpointPageQuery, parseEndpointPageState, type EndpointPageState } from "@/lib/endpoints/client/queries";

/** The endpoint page's filters and time range, read from and written to the URL (replace, no scroll jump). */
export function useEndpointPageState(): [EndpointPageState, (patch: Partial<EndpointPageState>) => void] {
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const key = sp.toString();
  const state = useMemo(() => parseEndpointPageState(new URLSearchParams(key)), [key]);
  const set = useCallback(
    (patch: Partial<EndpointPageState>) => router.replace(`${pathname}${endpointPageQuery({ ...state, ...patch })}`, { scroll: false }),
    [router, pathname, state],
  );
  return [state, set];
}
