import type { Metadata } from "next";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { EndpointsList } from "@/components/endpoints/endpoints-list";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/require-user";
import { createCtx } from "@/lib/ctx";
import { listEndpoints } from "@/lib/endpoints/repository";
import { endpointsListQueryOptions } from "@/lib/endpoints/client/queries";
import { getQueryClient } from "@/lib/queries/query-client";

export const metadata: Metadata = { title: "Endpoints" };

/** Thin server page: prefetch the list with the options the client then polls with. */
export default async function EndpointsPage() {
  await requireUser("viewer", { path: "/endpoints" });
  const queryClient = getQueryClient();
  await queryClient.prefetchQuery(endpointsListQueryOptions(() => listEndpoints({}, createCtx())));
  return (
    <>
      <PageHeader
        title="Endpoints"
        description="RunPod serverless endpoints sweepwatch watches: health, queue depth, workers and their crash logs."
      />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <EndpointsList />
      </HydrationBoundary>
    </>
  );
}
