import { apiRoute } from "@/lib/http/handler";
import { putSweepBudgetRoute } from "@/lib/api/specs/damage";
import { setSweepBudget } from "@/lib/damage/costs";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const PUT = apiRoute(putSweepBudgetRoute, async ({ params, body, ctx }) => setSweepBudget({ sweepId: params.id, gpuHours: body.gpuHours, usd: body.usd }, ctx));
