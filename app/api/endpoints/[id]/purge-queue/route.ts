import { apiRoute } from "@/lib/http/handler";
import { purgeQueueRoute } from "@/lib/api/specs/damage";
import { purgeEndpointQueue } from "@/lib/damage/purge";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(purgeQueueRoute, async ({ params, body, ctx }) =>
  purgeEndpointQueue({ endpointId: params.id, incidentId: body.incidentId ?? null }, ctx),
);
