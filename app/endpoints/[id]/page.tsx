import type { Metadata } from "next";
import { createCtx } from "@/lib/ctx";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { EndpointView } from "@/components/endpoints/endpoint-view";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/require-user";
import { getEndpoint } from "@/lib/endpoints/repository";
import { listJobs } from "@/lib/jobs/repository";
import { searchLogs } from "@/lib/logs/repository";
import { listSnapshots } from "@/lib/endpoints/snapshots";
import { listWorkers } from "@/lib/endpoints/workers-read";
import { endpointQueryOptions, parseEndpointPageState, snapshotsQueryOptions, SNAPSHOT_POINTS, TIME_RANGES, workersQueryOptions } from "@/lib/endpoints/client/queries";
import { JOB_PAGE_SIZE, jobListQueryOptions } from "@/lib/jobs/client/queries";
import { LOG_PAGE_SIZE, logSearchQueryOptions } from "@/lib/logs/client/queries";
import { getQueryClient } from "@/lib/queries/query-client";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const loadEndpoint = cache((id: string) => getEndpoint({ id }, createCtx()));

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const e = await loadEndpoint(decodeURIComponent((await params).id));
  return { title: e ? `${e.displayName ?? e.name} · Endpoints` : "Endpoint not found" };
}

/** Thin server page: prefetch every widget with the options its client part polls with, then hand over. */
export default async function EndpointPage({ params, searchParams }: Props) {
  const id = decodeURIComponent((await params).id);
  await requireUser("viewer", { path: `/endpoints/${encodeURIComponent(id)}` });
  const state = parseEndpointPageState(await searchParams);
  const endpoint = await loadEndpoint(id);
  if (!endpoint) notFound();

  const qc = getQueryClient();
  const ctx = createCtx();
  const now = ctx.now();
  const logFilter = { endpointId: id, workerId: state.worker, jobId: state.job, q: state.q };
  await Promise.all([
    qc.prefetchQuery(endpointQueryOptions(id, async () => ({ endpoint }))),
    qc.prefetchQuery(snapshotsQueryOptions(id, state.range, () => listSnapshots({ endpointId: id, from: new Date(now.getTime() - TIME_RANGES[state.range]), to: now, points: SNAPSHOT_POINTS }, ctx))),
    qc.prefetchQuery(workersQueryOptions(id, () => listWorkers({ endpointId: id }, ctx))),
    qc.prefetchInfiniteQuery(
      jobListQueryOptions({ endpointId: id, status: state.status }, ({ cursor }) =>
        listJobs({
          endpointId: id,
          status: state.status && state.status !== "flagged" ? [state.status] : undefined,
          flagged: state.status === "flagged" ? true : undefined,
          cursor: cursor ?? undefined,
          limit: JOB_PAGE_SIZE,
        }, ctx),
      ),
    ),
    qc.prefetchInfiniteQuery(
      logSearchQueryOptions(logFilter, ({ cursor }) => searchLogs({ ...logFilter, q: state.q?.trim() || undefined, cursor: cursor ?? undefined, limit: LOG_PAGE_SIZE }, ctx)),
    ),
  ]);

  return (
    <>
      <PageHeader
        title={endpoint.displayName ?? endpoint.name}
        description={
          <>
            <Link href="/endpoints" className="hover:underline">
              Endpoints
            </Link>{" "}
            / <span className="font-mono">{endpoint.id}</span>
          </>
        }
      />
      <HydrationBoundary state={dehydrate(qc)}>
        <EndpointView id={id} />
      </HydrationBoundary>
    </>
  );
}
