"use client";

import { useUrlState, type UrlStateCodec } from "@/components/hooks/use-url-state";
import { endpointPageQuery, parseEndpointPageState, type EndpointPageState } from "@/lib/endpoints/client/queries";

const endpointPageState: UrlStateCodec<EndpointPageState> = { parse: parseEndpointPageState, search: endpointPageQuery };

/** The endpoint page's filters and time range, read from and written to the URL (replace, no scroll jump). */
export function useEndpointPageState(): [EndpointPageState, (patch: Partial<EndpointPageState>) => void] {
  return useUrlState(endpointPageState, { shallow: false });
}
