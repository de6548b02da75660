import type { Metadata } from "next";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { SweepList } from "@/components/sweeps/sweep-list";
import { SWEEP_LIST_PARAMS } from "@/components/sweeps/sweep-page-options";
import { ButtonLink } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { listSweeps } from "@/lib/sweeps/repository";
import { createCtx } from "@/lib/ctx";
import { makeQueryClient } from "@/lib/queries/query-client";
import { sweepListQueryOptions } from "@/lib/sweeps/client/queries";

export const metadata: Metadata = { title: "Sweeps" };

/** Thin server page: prefetch the list with the options the client then polls with. */
export default async function SweepsPage() {
  // Its own client: the layout's header boundary dehydrates the request-shared one.
  const queryClient = makeQueryClient();
  await queryClient.prefetchQuery(sweepListQueryOptions(SWEEP_LIST_PARAMS, () => listSweeps({ limit: SWEEP_LIST_PARAMS.limit }, createCtx())));
  return (
    <>
      <PageHeader
        title="Sweeps"
        description="Hyperparameter sweeps whose trials run as RunPod jobs: progress, best trial and analysis."
        actions={
          <ButtonLink href="/sweeps/new" variant="primary">
            New sweep
          </ButtonLink>
        }
      />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <SweepList />
      </HydrationBoundary>
    </>
  );
}
