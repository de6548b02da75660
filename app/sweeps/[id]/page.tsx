import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache, Suspense } from "react";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { SweepAnalysis } from "@/components/sweeps/sweep-analysis";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { SweepDetail } from "@/components/sweeps/sweep-detail";
import { ANALYSIS_POINTS, LIVE_SWEEP_STATES } from "@/components/sweeps/sweep-page-options";
import { parseTrialSearchParams, toTrialPageParams } from "@/components/sweeps/trial-search-params";
import { getSweep, getSweepAnalysis, listTrials } from "@/lib/sweeps/repository";
import { createCtx } from "@/lib/ctx";
import { AppError } from "@/lib/http/errors";
import { makeQueryClient } from "@/lib/queries/query-client";
import { sweepAnalysisQueryOptions, sweepQueryOptions, trialPageQueryOptions } from "@/lib/sweeps/client/queries";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const loadSweep = cache(async (id: string) => {
  try {
    return await getSweep({ id }, createCtx());
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") return null;
    throw err;
  }
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const sweep = await loadSweep((await params).id);
  return { title: sweep ? `${sweep.name} · Sweeps` : "Sweep not found" };
}

/** Thin server page: prefetch with the options the client polls with, then hand over. */
export default async function SweepPage({ params, searchParams }: Props) {
  const { id } = await params;
  const sp = parseTrialSearchParams(await searchParams);
  const sweep = await loadSweep(id);
  if (!sweep) notFound();

  // Its own client, not the request-shared one: the layout's header boundary dehydrates that one
  // too, and would hand this page's queries to the browser twice (possibly still pending).
  const queryClient = makeQueryClient();
  const live = LIVE_SWEEP_STATES.includes(sweep.state);
  queryClient.setQueryData(sweepQueryOptions(id).queryKey, sweep);
  const page = toTrialPageParams(sp);
  await queryClient.prefetchQuery(
    trialPageQueryOptions(id, page, {
      live,
      load: () =>
        listTrials(
          {
            sweepId: id,
            status: sp.status.length ? sp.status : undefined,
            valueMin: sp.valueMin,
            valueMax: sp.valueMax,
            sort: sp.sort,
            order: sp.order,
            cursor: sp.cursor,
            limit: sp.limit,
          },
          createCtx(),
        ),
    }),
  );
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <SweepDetail
        id={id}
        analysis={
          <Suspense fallback={<AnalysisSkeleton />}>
            <AnalysisSlot id={id} live={live} />
          </Suspense>
        }
      />
    </HydrationBoundary>
  );
}

/** The charts stream in after the table: their own prefetch, their own hydration. */
async function AnalysisSlot({ id, live }: { id: string; live: boolean }) {
  const queryClient = makeQueryClient();
  await queryClient.prefetchQuery(sweepAnalysisQueryOptions(id, ANALYSIS_POINTS, { live, load: () => getSweepAnalysis({ sweepId: id, points: ANALYSIS_POINTS }, createCtx()) }));
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <SweepAnalysis id={id} />
    </HydrationBoundary>
  );
}

function AnalysisSkeleton() {
  return (
    <Card className="p-4" aria-busy="true" aria-label="Loading the charts">
      <Skeleton className="h-64 w-full" />
    </Card>
  );
}
