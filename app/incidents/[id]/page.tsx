import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { IncidentView } from "@/components/incidents/incident-view";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/require-user";
import { createCtx } from "@/lib/ctx";
import { getIncident } from "@/lib/incidents/repository";
import { incidentQueryOptions } from "@/lib/incidents/client/queries";
import { getQueryClient } from "@/lib/queries/query-client";

type Props = { params: Promise<{ id: string }> };

const load = cache((id: string) => (/^\d{1,19}$/.test(id) ? getIncident({ id }, createCtx()) : Promise.resolve(null)));

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const i = await load((await params).id);
  return { title: i ? `#${i.id} ${i.title} · Incidents` : "Incident not found" };
}

export default async function IncidentPage({ params }: Props) {
  const id = (await params).id;
  await requireUser("viewer", { path: `/incidents/${encodeURIComponent(id)}` });
  const incident = await load(id);
  if (!incident) notFound();
  const qc = getQueryClient();
  await qc.prefetchQuery(incidentQueryOptions(id, async () => ({ incident })));
  return (
    <>
      <PageHeader
        title={`#${incident.id} ${incident.title}`}
        description={
          <>
            <Link href="/incidents" className="hover:underline">
              Incidents
            </Link>{" "}
            / <span className="font-mono">{incident.endpointId}</span>
          </>
        }
      />
      <HydrationBoundary state={dehydrate(qc)}>
        <IncidentView id={id} />
      </HydrationBoundary>
    </>
  );
}
