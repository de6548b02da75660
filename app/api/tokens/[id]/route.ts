import { apiRoute } from "@/lib/http/handler";
import { AppError } from "@/lib/http/errors";
import { revokeTokenRoute } from "@/lib/api/specs/auth";
import { revokeApiToken } from "@/lib/auth/service";
import { getApiTokenOwner } from "@/lib/auth/repository";
import { roleSatisfies } from "@/lib/domain/roles";
import { userIdOf } from "@/lib/auth/ownership";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const DELETE = apiRoute(revokeTokenRoute, async ({ params, principal, ctx }) => {
  const owner = await getApiTokenOwner({ id: params.id }, ctx);
  const mine = owner !== null && owner.createdById !== null && owner.createdById === userIdOf(principal);
  if (!owner || (!mine && !roleSatisfies(principal.role, "admin"))) throw new AppError("not_found", "No such API token.");
  const token = await revokeApiToken({ id: params.id }, ctx);
  if (!token) throw new AppError("not_found", "No such API token.");
  return token;
});
