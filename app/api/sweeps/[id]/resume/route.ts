import { apiRoute } from "@/lib/http/handler";
import { resumeSweepRoute } from "@/lib/api/specs/sweeps";
import { controlSweep } from "@/lib/sweeps/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(resumeSweepRoute, async ({ params, ctx }) => controlSweep({ id: params.id, action: "resume" }, ctx));
