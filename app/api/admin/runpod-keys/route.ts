import { apiRoute } from "@/lib/http/handler";
import { AppError } from "@/lib/http/errors";
import { addRunpodKeyRoute, runpodKeysRoute } from "@/lib/api/specs/auth";
import { canStoreSecrets, getRunpodKeyStatus, storeRunpodApiKey } from "@/lib/secrets/runpod-key";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(runpodKeysRoute, async ({ ctx }) => getRunpodKeyStatus({}, ctx));

export const POST = apiRoute(addRunpodKeyRoute, async ({ body, ctx }) => {
  const store = canStoreSecrets();
  if (!store.ok) throw new AppError("conflict", store.reason ?? "Secrets cannot be stored.");
  return storeRunpodApiKey(body, ctx);
});
