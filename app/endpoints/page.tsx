import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { Code } from "@/components/ui/code";
import { EmptyState } from "@/components/ui/empty-state";
import { ServerIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Endpoints" };

export default function EndpointsPage() {
  return (
    <>
      <PageHeader
        title="Endpoints"
        description="RunPod serverless endpoints sweepwatch watches: health, queue depth, workers and their crash logs."
      />
      <Card>
        <EmptyState icon={<ServerIcon size={20} />} title="No endpoints watched yet">
          <p>
            sweepwatch discovers endpoints from RunPod once the poller runs; in demo mode they appear within seconds.
          </p>
          <p>
            For real endpoints, set <Code>RUNPOD_API_KEY</Code> and restart with <Code>npm start</Code>. If nothing shows up,{" "}
            <Code>npx sweepwatch doctor</Code> says what is wrong.
          </p>
        </EmptyState>
      </Card>
    </>
  );
}
