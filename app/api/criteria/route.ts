import { apiRoute } from "@/lib/http/handler";
import { createCriterionRoute, listCriteriaRoute } from "@/lib/api/specs/criteria";
import { listCriteriaView } from "@/lib/criteria/repository";
import { createCriterion } from "@/lib/criteria/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listCriteriaRoute, async ({ query, ctx }) => listCriteriaView({ endpointId: query.endpointId, days: query.days }, ctx));

export const POST = apiRoute(createCriterionRoute, async ({ body, ctx }) => createCriterion(body, ctx));
