import { apiRoute } from "@/lib/http/handler";
import { getIncidentCostRoute } from "@/lib/api/specs/damage";
import { getIncidentCost } from "@/lib/damage/costs";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(getIncidentCostRoute, async ({ params, ctx }) => getIncidentCost({ id: params.id }, ctx));
