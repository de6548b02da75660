import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { Code } from "@/components/ui/code";
import { EmptyState } from "@/components/ui/empty-state";
import { CheckCircleIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Incidents" };

export default function IncidentsPage() {
  return (
    <>
      <PageHeader
        title="Incidents"
        description="Crash loops that block queued jobs, with the evidence, the blast radius and the runbook."
      />
      <Card>
        <EmptyState icon={<CheckCircleIcon size={20} />} title="No incidents">
          <p>
            Incidents open automatically when an endpoint crash-loops, for example when workers keep dying with{" "}
            <Code>random_device could not be read</Code>. Nothing needs your attention.
          </p>
        </EmptyState>
      </Card>
    </>
  );
}
