import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { SweepIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Sweeps" };

export default function SweepsPage() {
  return (
    <>
      <PageHeader
        title="Sweeps"
        description="Hyperparameter sweeps whose trials run as RunPod jobs: progress, best trial and analysis."
      />
      <Card>
        <EmptyState icon={<SweepIcon size={20} />} title="No sweeps yet">
          <p>
            Create a sweep to run hyperparameter trials on one of your endpoints: paste a Weights &amp; Biases sweep config (YAML
            or JSON) or fill in the parameters, metric and trial budget. Each trial is one RunPod job.
          </p>
          <p>Trials, their results and the best run so far appear here while the sweep runs.</p>
        </EmptyState>
      </Card>
    </>
  );
}
