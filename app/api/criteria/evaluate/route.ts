import { apiRoute } from "@/lib/http/handler";
import { evaluateCriteriaRoute } from "@/lib/api/specs/criteria";
import { evaluateNow } from "@/lib/criteria/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(evaluateCriteriaRoute, async ({ ctx }) => evaluateNow({}, ctx));
