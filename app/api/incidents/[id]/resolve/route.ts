import { apiRoute } from "@/lib/http/handler";
import { resolveIncidentRoute } from "@/lib/api/specs/incidents";
import { resolveIncident } from "@/lib/incidents/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(resolveIncidentRoute, async ({ req, params, body, principal }) => ({
  incident: await resolveIncident({ id: params.id, actor: principal, comment: body?.comment, baseUrl: req.nextUrl.origin }),
}));
