import { apiRoute } from "@/lib/http/handler";
import { getMaxWorkersRoute, maxWorkersActionRoute } from "@/lib/api/specs/damage";
import { getMaxWorkersState, restoreMaxWorkers, zeroMaxWorkers } from "@/lib/damage/max-workers";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(getMaxWorkersRoute, async ({ params, ctx }) => getMaxWorkersState({ endpointId: params.id }, ctx));

export const POST = apiRoute(maxWorkersActionRoute, async ({ params, body, ctx }) => {
  const input = { endpointId: params.id, incidentId: body.incidentId ?? null };
  return body.action === "zero" ? zeroMaxWorkers(input, ctx) : restoreMaxWorkers(input, ctx);
});
