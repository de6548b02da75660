import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { SystemStatus } from "@/components/system/system-status";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Code } from "@/components/ui/code";
import { EmptyState } from "@/components/ui/empty-state";
import { AlertIcon, ServerIcon, SweepIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { getSystemHealth } from "@/lib/data/system";
import { getQueryClient } from "@/lib/queries/query-client";
import { healthQueryOptions } from "@/lib/queries/system";

export default async function OverviewPage() {
  const queryClient = getQueryClient();
  await queryClient.prefetchQuery(healthQueryOptions(() => getSystemHealth()));

  return (
    <>
      <PageHeader
        title="Overview"
        description="Queue state, crash loops, incidents and sweeps across your RunPod serverless endpoints."
      />
      <div className="space-y-6">
        <HydrationBoundary state={dehydrate(queryClient)}>
          <SystemStatus />
        </HydrationBoundary>

        <Card as="section" aria-labelledby="overview-endpoints">
          <CardHeader id="overview-endpoints" title="Endpoints" description="Health, queue depth and workers of every endpoint watched." />
          <EmptyState icon={<ServerIcon size={20} />} title="No endpoints yet" headingLevel={3}>
            <p>
              sweepwatch discovers endpoints from RunPod once the poller runs; in demo mode they appear within seconds.
            </p>
            <p>
              Nothing after a minute? Run <Code>npx sweepwatch doctor</Code> to check the database, the RunPod key and the connection.
            </p>
          </EmptyState>
        </Card>

        <div className="grid gap-6 lg:grid-cols-2">
          <Card as="section" aria-labelledby="overview-incidents">
            <CardHeader id="overview-incidents" title="Open incidents" />
            <EmptyState icon={<AlertIcon size={20} />} title="No open incidents" headingLevel={3} size="sm">
              <p>An incident opens automatically when an endpoint&apos;s workers crash-loop.</p>
            </EmptyState>
          </Card>
          <Card as="section" aria-labelledby="overview-sweeps">
            <CardHeader id="overview-sweeps" title="Running sweeps" />
            <EmptyState
              icon={<SweepIcon size={20} />}
              title="No sweeps running"
              headingLevel={3}
              size="sm"
              actions={
                <ButtonLink href="/sweeps" size="sm">
                  Go to sweeps
                </ButtonLink>
              }
            >
              <p>Sweeps run hyperparameter trials as RunPod jobs; their progress shows here.</p>
            </EmptyState>
          </Card>
        </div>
      </div>
    </>
  );
}
