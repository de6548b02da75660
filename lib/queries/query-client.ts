import { defaultShouldDehydrateQuery, isServer, QueryClient } from "@tanstack/react-query";
import { cache } from "react";

/**
 * The one QueryClient factory. On the server each request gets its own client
 * (shared by the layout and the page of that request, so one prefetch serves
 * both); the browser keeps a single client for the session.
 */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Above zero so data prefetched on the server is not refetched during hydration.
        staleTime: 30_000,
        refetchOnWindowFocus: true,
        retry: 1,
      },
      dehydrate: {
        // Hand over pending queries too, so a streamed prefetch is not fetched twice.
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === "pending",
      },
    },
  });
}

let browserQueryClient: QueryClient | undefined;
// React's cache() scopes the value to one server request.
const requestQueryClient = cache(makeQueryClient);

export function getQueryClient(): QueryClient {
  if (isServer) return requestQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}
