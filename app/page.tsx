import { Suspense } from "react";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { OverviewBoard, OverviewSkeleton } from "@/components/overview/overview-board";
import { SystemStatus } from "@/components/system/system-status";
import { PageHeader } from "@/components/ui/page-header";
import { createCtx } from "@/lib/ctx";
import { readOverview } from "@/lib/criteria/service";
import { getSystemHealth } from "@/lib/data/system";
import { getQueryClient } from "@/lib/queries/query-client";
import { overviewQueryOptions } from "@/lib/queries/overview";
import { healthQueryOptions } from "@/lib/queries/system";

/** Prefetches the overview with the options the board then polls with. */
async function OverviewSlot() {
  const queryClient = getQueryClient();
  await Promise.all([queryClient.prefetchQuery(overviewQueryOptions(() => readOverview({}, createCtx()))), queryClient.prefetchQuery(healthQueryOptions(() => getSystemHealth()))]);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <OverviewBoard />
      <div className="mt-6">
        <SystemStatus />
      </div>
    </HydrationBoundary>
  );
}

export default function OverviewPage() {
  return (
    <>
      <PageHeader
        title="Overview"
        description="Queue state, crash loops, incidents and sweeps across your RunPod serverless endpoints."
      />
      <Suspense fallback={<OverviewSkeleton />}>
        <OverviewSlot />
      </Suspense>
    </>
  );
}
