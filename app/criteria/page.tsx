import type { Metadata } from "next";
import { Suspense } from "react";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { CriteriaBoard } from "@/components/criteria/criteria-board";
import { CriteriaSkeleton } from "@/components/criteria/criteria-skeleton";
import { PRINT_CSS } from "@/components/criteria/print-css";
import { PageHeader } from "@/components/ui/page-header";
import { createCtx } from "@/lib/ctx";
import { listCriteriaView } from "@/lib/criteria/repository";
import { getQueryClient } from "@/lib/queries/query-client";
import { criteriaQueryOptions, parseCriteriaSearchParams, type CriteriaFilter } from "@/lib/criteria/client/queries";

export const metadata: Metadata = { title: "Criteria" };

/** Prefetches with the same options the board then polls with (first paint is server data). */
async function CriteriaSlot({ filter }: { filter: CriteriaFilter }) {
  const queryClient = getQueryClient();
  await queryClient.prefetchQuery(criteriaQueryOptions(filter, (f) => listCriteriaView({ endpointId: f.endpointId, days: 28 }, createCtx())));
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <CriteriaBoard filter={filter} />
    </HydrationBoundary>
  );
}

export default async function CriteriaPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const filter = parseCriteriaSearchParams(await searchParams);
  return (
    <>
      <style media="print">{PRINT_CSS}</style>
      <PageHeader
        title="Criteria"
        description="Success criteria of the deployment, checked live against recorded data, with the evidence behind each verdict."
      />
      <Suspense key={filter.endpointId ?? "all"} fallback={<CriteriaSkeleton />}>
        <CriteriaSlot filter={filter} />
      </Suspense>
    </>
  );
}
