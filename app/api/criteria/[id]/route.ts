import { apiRoute } from "@/lib/http/handler";
import { getCriterionRoute, updateCriterionRoute } from "@/lib/api/specs/criteria";
import { getCriterion } from "@/lib/criteria/repository";
import { updateCriterion } from "@/lib/criteria/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(getCriterionRoute, async ({ params, query, ctx }) => getCriterion({ id: params.id, endpointId: query.endpointId }, ctx));

export const PATCH = apiRoute(updateCriterionRoute, async ({ params, body, ctx }) => updateCriterion({ ...body, id: params.id }, ctx));
