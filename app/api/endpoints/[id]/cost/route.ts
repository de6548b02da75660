import { apiRoute } from "@/lib/http/handler";
import { getEndpointCostRoute } from "@/lib/api/specs/damage";
import { getEndpointCost } from "@/lib/damage/costs";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(getEndpointCostRoute, async ({ params, query, ctx }) => getEndpointCost({ endpointId: params.id, hours: query.hours }, ctx));
