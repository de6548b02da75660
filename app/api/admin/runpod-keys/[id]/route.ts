import { apiRoute } from "@/lib/http/handler";
import { AppError } from "@/lib/http/errors";
import { revokeRunpodKeyRoute } from "@/lib/api/specs/auth";
import { revokeRunpodCredential } from "@/lib/data/runpod-credentials";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const DELETE = apiRoute(revokeRunpodKeyRoute, async ({ params, ctx }) => {
  const key = await revokeRunpodCredential({ id: params.id }, ctx);
  if (!key) throw new AppError("not_found", "No such stored RunPod key.");
  return key;
});
