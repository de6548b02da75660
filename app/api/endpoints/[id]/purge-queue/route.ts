import { apiRoute } from "@/lib/http/handler";
import { purgeQueueRoute } from "@/lib/api/specs/damage";
import { getDefaultRunpodClient } from "@/lib/data/runpod-client";
import { purgeEndpointQueue } from "@/lib/damage/purge";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(purgeQueueRoute, async ({ params, body, principal }) =>
  purgeEndpointQueue({ endpointId: params.id, actor: principal, incidentId: body.incidentId ?? null }, { client: getDefaultRunpodClient() }),
);
