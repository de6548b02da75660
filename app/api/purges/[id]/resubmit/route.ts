import { apiRoute } from "@/lib/http/handler";
import { resubmitPurgedRoute } from "@/lib/api/specs/damage";
import { getDefaultRunpodClient } from "@/lib/data/runpod-client";
import { requestResubmit } from "@/lib/damage/purge";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(resubmitPurgedRoute, async ({ params, principal }) => requestResubmit({ purgeId: params.id, actor: principal }, { client: getDefaultRunpodClient() }));
