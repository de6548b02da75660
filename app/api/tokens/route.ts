import { apiRoute } from "@/lib/http/handler";
import { AppError } from "@/lib/http/errors";
import { createTokenRoute, listTokensRoute } from "@/lib/api/specs/auth";
import { createApiToken } from "@/lib/auth/service";
import { listApiTokens } from "@/lib/auth/repository";
import { roleSatisfies } from "@/lib/domain/roles";
import { userIdOf } from "@/lib/auth/ownership";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listTokensRoute, async ({ principal, ctx }) => {
  const all = roleSatisfies(principal.role, "admin");
  return { tokens: await listApiTokens(all ? {} : { createdById: userIdOf(principal) ?? "-" }, ctx) };
});

export const POST = apiRoute(createTokenRoute, async ({ body, principal, ctx }) => {
  if (principal.kind !== "user") throw new AppError("forbidden", "API tokens are created by a signed-in user, not by another token.");
  if (!roleSatisfies(principal.role, body.role)) throw new AppError("forbidden", `You cannot create a token with role ${body.role}; your role is ${principal.role}.`);
  const expiresAt = body.expiresInDays ? new Date(ctx.now().getTime() + body.expiresInDays * 86_400_000) : null;
  return createApiToken({ name: body.name, role: body.role, createdById: principal.id, expiresAt }, ctx);
});
