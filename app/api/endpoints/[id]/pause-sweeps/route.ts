import { apiRoute } from "@/lib/http/handler";
import { pauseEndpointSweepsRoute } from "@/lib/api/specs/damage";
import { pauseSweepsForEndpoint } from "@/lib/damage/sweeps-pause";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(pauseEndpointSweepsRoute, async ({ params, body, principal, ctx }) =>
  pauseSweepsForEndpoint(
    {
      endpointId: params.id,
      queuedTrials: body.queuedTrials,
      incidentId: body.incidentId ?? null,
      reason: `paused by ${principal.name}${body.incidentId ? ` from incident #${body.incidentId}` : ""}; queued trials ${body.queuedTrials === "keep" ? "kept" : "cancelled"}`,
    },
    ctx,
  ),
);
