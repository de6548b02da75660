import { apiRoute } from "@/lib/http/handler";
import { cancelSweepRoute } from "@/lib/api/specs/sweeps";
import { controlSweep } from "@/lib/sweeps/service";
import { getDefaultRunpodClient } from "@/lib/data/runpod-client";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(cancelSweepRoute, async ({ params, principal }) => {
  // Without a usable RunPod client here, the poller's sweep controller cancels the jobs on its next pass.
  let client;
  try {
    client = getDefaultRunpodClient();
  } catch {
    client = undefined;
  }
  return controlSweep(params.id, "cancel", principal, { client });
});
