import { apiRoute } from "@/lib/http/handler";
import { acknowledgeIncidentRoute } from "@/lib/api/specs/incidents";
import { acknowledgeIncident } from "@/lib/incidents/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(acknowledgeIncidentRoute, async ({ params, ctx }) => ({ incident: await acknowledgeIncident({ id: params.id }, ctx) }));
