import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { EndpointTimelinePage } from "@/components/timeline/endpoint-timeline-page";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/require-user";
import { createCtx } from "@/lib/ctx";
import { getEndpoint } from "@/lib/endpoints/repository";
import { getEndpointTimeline } from "@/lib/endpoints/timeline";
import { parseTimelineWindow, timelineQueryOptions, windowRange } from "@/lib/endpoints/client/timeline-queries";
import { getQueryClient } from "@/lib/queries/query-client";

type Props = { params: Promise<{ endpointId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export const metadata: Metadata = { title: "Crash timeline" };
export const dynamic = "force-dynamic";

export default async function TimelinePage({ params, searchParams }: Props) {
  const endpointId = decodeURIComponent((await params).endpointId);
  await requireUser("viewer", { path: `/incidents/timeline/${encodeURIComponent(endpointId)}` });
  const ctx = createCtx();
  const endpoint = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(endpointId) ? await getEndpoint({ id: endpointId }, ctx) : null;
  if (!endpoint) notFound();
  const win = parseTimelineWindow(await searchParams);
  const qc = getQueryClient();
  await qc.prefetchQuery(
    timelineQueryOptions(endpointId, win, () => {
      const r = windowRange(win, ctx.now().getTime());
      return getEndpointTimeline({ endpointId, from: new Date(r.from), to: new Date(r.to) }, ctx);
    }),
  );
  return (
    <>
      <PageHeader
        title={`Crash timeline: ${endpoint.displayName ?? endpoint.name}`}
        description={
          <>
            <Link href="/incidents" className="hover:underline">
              Incidents
            </Link>{" "}
            /{" "}
            <Link href={`/endpoints/${encodeURIComponent(endpointId)}`} className="font-mono hover:underline">
              {endpointId}
            </Link>
          </>
        }
      />
      <HydrationBoundary state={dehydrate(qc)}>
        <EndpointTimelinePage endpointId={endpointId} initialWindow={win} />
      </HydrationBoundary>
    </>
  );
}
