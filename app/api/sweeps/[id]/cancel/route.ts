import { apiRoute } from "@/lib/http/handler";
import { cancelSweepRoute } from "@/lib/api/specs/sweeps";
import { controlSweep } from "@/lib/sweeps/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// Without a usable RunPod client here, the poller's sweep controller cancels the jobs on its next pass.
export const POST = apiRoute(cancelSweepRoute, async ({ params, ctx }) => controlSweep({ id: params.id, action: "cancel" }, ctx));
