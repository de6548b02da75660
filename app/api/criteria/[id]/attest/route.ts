import { apiRoute } from "@/lib/http/handler";
import { attestCriterionRoute } from "@/lib/api/specs/criteria";
import { attest } from "@/lib/criteria/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(attestCriterionRoute, async ({ params, body, principal }) => attest(params.id, body, principal));
