import type { Metadata } from "next";
import { SweepCreator, type EndpointOption } from "@/components/sweeps/sweep-creator";
import { PageHeader } from "@/components/ui/page-header";
import { listEndpoints } from "@/lib/endpoints/repository";
import { createCtx } from "@/lib/ctx";
import { createLogger } from "@/lib/log";

export const metadata: Metadata = { title: "New sweep · Sweeps" };

const log = createLogger("sweeps-new");

async function endpointOptions(): Promise<EndpointOption[] | null> {
  try {
    const { endpoints } = await listEndpoints({}, createCtx());
    return endpoints.map((e) => ({
      id: e.id,
      name: e.displayName ?? e.name,
      warning: e.flaggedJobs > 0 ? "crash-looping: random_device" : e.paused ? "paused" : null,
    }));
  } catch (err) {
    // The form still works with a typed endpoint id.
    log.warn("endpoint list unavailable for the sweep form", { error: err });
    return null;
  }
}

export default async function NewSweepPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const endpoint = typeof sp.endpoint === "string" ? sp.endpoint : undefined;
  return (
    <>
      <PageHeader
        title="New sweep"
        description="Each trial is one RunPod job on the endpoint you choose. Paste a Weights & Biases sweep config or fill in the form: they are two views of one config."
      />
      <SweepCreator endpoints={await endpointOptions()} defaultEndpointId={endpoint} />
    </>
  );
}
