import { apiRoute } from "@/lib/http/handler";
import { AppError } from "@/lib/http/errors";
import { revokeRunpodKeyRoute } from "@/lib/api/specs/auth";
import { revokeRunpodCredential } from "@/lib/data/runpod-credentials";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const DELETE = apiRoute(revokeRunpodKeyRoute, async ({ params, principal }) => {
  const key = await revokeRunpodCredential(params.id, principal);
  if (!key) throw new AppError("not_found", "No such stored RunPod key.");
  return key;
});
