import { apiRoute } from "@/lib/http/handler";
import { resubmitPurgedRoute } from "@/lib/api/specs/damage";
import { requestResubmit } from "@/lib/damage/purge";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(resubmitPurgedRoute, async ({ params, ctx }) => requestResubmit({ purgeId: params.id }, ctx));
