import { apiRoute } from "@/lib/http/handler";
import { getSweepRoute } from "@/lib/api/specs/sweeps";
import { getSweep } from "@/lib/sweeps/repository";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(getSweepRoute, async ({ params, ctx }) => getSweep({ id: params.id }, ctx));
