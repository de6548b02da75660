import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { CheckCircleIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Criteria" };

export default function CriteriaPage() {
  return (
    <>
      <PageHeader
        title="Criteria"
        description="Success criteria of the deployment, checked live against recorded data, with the evidence behind each verdict."
      />
      <Card>
        <EmptyState icon={<CheckCircleIcon size={20} />} title="No success criteria yet">
          <p>
            Criteria are grouped as immediate, short-term and long-term and show pass, fail or pending with the log lines, jobs
            or incidents that decided them.
          </p>
          <p>They are evaluated from what the poller records, so they fill in once endpoints are being watched.</p>
        </EmptyState>
      </Card>
    </>
  );
}
