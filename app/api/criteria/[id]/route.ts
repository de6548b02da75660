import { apiRoute } from "@/lib/http/handler";
import { getCriterionRoute, updateCriterionRoute } from "@/lib/api/specs/criteria";
import { editCriterion, readCriterion } from "@/lib/criteria/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(getCriterionRoute, async ({ params, query }) => readCriterion(params.id, { endpointId: query.endpointId }));

export const PATCH = apiRoute(updateCriterionRoute, async ({ params, body, principal }) => editCriterion(params.id, body, principal));
