import { apiRoute } from "@/lib/http/handler";
import { createCriterionRoute, listCriteriaRoute } from "@/lib/api/specs/criteria";
import { addCriterion, readCriteria } from "@/lib/criteria/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listCriteriaRoute, async ({ query }) => readCriteria({ endpointId: query.endpointId, days: query.days }));

export const POST = apiRoute(createCriterionRoute, async ({ body, principal }) => addCriterion(body, principal));
