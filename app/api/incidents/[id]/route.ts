import { apiRoute } from "@/lib/http/handler";
import { AppError } from "@/lib/http/errors";
import { getIncidentRoute } from "@/lib/api/specs/incidents";
import { getIncident } from "@/lib/incidents/repository";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(getIncidentRoute, async ({ params, ctx }) => {
  const incident = await getIncident({ id: params.id }, ctx);
  if (!incident) throw new AppError("not_found", `Incident ${params.id} does not exist.`);
  return { incident };
});
