import type { Metadata } from "next";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { IncidentList } from "@/components/incidents/incident-list";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/require-user";
import { createCtx } from "@/lib/ctx";
import { listIncidents } from "@/lib/incidents/repository";
import { INCIDENT_PAGE_SIZE, incidentListQueryOptions, parseIncidentFilters } from "@/lib/incidents/client/queries";
import { getQueryClient } from "@/lib/queries/query-client";

export const metadata: Metadata = { title: "Incidents" };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function IncidentsPage({ searchParams }: Props) {
  await requireUser("viewer", { path: "/incidents" });
  const filters = parseIncidentFilters(await searchParams);
  const qc = getQueryClient();
  await qc.prefetchQuery(incidentListQueryOptions(filters, () => listIncidents({ ...filters, limit: INCIDENT_PAGE_SIZE }, createCtx())));
  return (
    <>
      <PageHeader title="Incidents" description="Crash loops that block queued jobs, with the evidence, the blast radius and the runbook." />
      <HydrationBoundary state={dehydrate(qc)}>
        <IncidentList filters={filters} />
      </HydrationBoundary>
    </>
  );
}
