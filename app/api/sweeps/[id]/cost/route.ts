import { apiRoute } from "@/lib/http/handler";
import { getSweepCostRoute } from "@/lib/api/specs/damage";
import { getSweepCost } from "@/lib/damage/costs";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(getSweepCostRoute, async ({ params, ctx }) => getSweepCost({ sweepId: params.id }, ctx));
