import { apiRoute } from "@/lib/http/handler";
import { AppError } from "@/lib/http/errors";
import { revokeIngestTokenRoute } from "@/lib/api/specs/auth";
import { revokeIngestToken } from "@/lib/auth/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const DELETE = apiRoute(revokeIngestTokenRoute, async ({ params, ctx }) => {
  const token = await revokeIngestToken({ id: params.id }, ctx);
  if (!token) throw new AppError("not_found", "No such ingest token.");
  return token;
});
