import { apiRoute } from "@/lib/http/handler";
import { sweepAnalysisRoute } from "@/lib/api/specs/sweeps";
import { getSweepAnalysis } from "@/lib/sweeps/repository";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(sweepAnalysisRoute, async ({ params, query, ctx }) => getSweepAnalysis({ sweepId: params.id, ...query }, ctx));
