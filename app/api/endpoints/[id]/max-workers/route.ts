import { apiRoute } from "@/lib/http/handler";
import { getMaxWorkersRoute, maxWorkersActionRoute } from "@/lib/api/specs/damage";
import { getDefaultRunpodClient } from "@/lib/data/runpod-client";
import { getMaxWorkersState, restoreMaxWorkers, zeroMaxWorkers } from "@/lib/damage/max-workers";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(getMaxWorkersRoute, async ({ params }) => getMaxWorkersState(params.id));

export const POST = apiRoute(maxWorkersActionRoute, async ({ params, body, principal }) => {
  const input = { endpointId: params.id, actor: principal, incidentId: body.incidentId ?? null };
  const deps = { client: getDefaultRunpodClient() };
  return body.action === "zero" ? zeroMaxWorkers(input, deps) : restoreMaxWorkers(input, deps);
});
