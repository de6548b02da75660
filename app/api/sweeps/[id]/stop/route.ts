import { apiRoute } from "@/lib/http/handler";
import { stopSweepRoute } from "@/lib/api/specs/sweeps";
import { controlSweep } from "@/lib/sweeps/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(stopSweepRoute, async ({ params, ctx }) => controlSweep({ id: params.id, action: "stop" }, ctx));
