import { apiRoute } from "@/lib/http/handler";
import { attestCriterionRoute } from "@/lib/api/specs/criteria";
import { attestCriterion } from "@/lib/criteria/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(attestCriterionRoute, async ({ params, body, ctx }) => attestCriterion({ ...body, id: params.id }, ctx));
