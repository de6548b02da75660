import { apiRoute } from "@/lib/http/handler";
import { resolveIncidentRoute } from "@/lib/api/specs/incidents";
import { resolveIncident } from "@/lib/incidents/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(resolveIncidentRoute, async ({ req, params, body, ctx }) => ({
  incident: await resolveIncident({ id: params.id, comment: body?.comment, baseUrl: req.nextUrl.origin }, ctx),
}));
