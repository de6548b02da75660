import { apiRoute } from "@/lib/http/handler";
import { listTrialsRoute } from "@/lib/api/specs/sweeps";
import { listTrials } from "@/lib/sweeps/repository";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listTrialsRoute, async ({ params, query, ctx }) => listTrials({ sweepId: params.id, ...query }, ctx));
