import { apiRoute } from "@/lib/http/handler";
import { AppError } from "@/lib/http/errors";
import { updateUserRoute } from "@/lib/api/specs/auth";
import { LastAdminError, updateUser } from "@/lib/auth/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const PATCH = apiRoute(updateUserRoute, async ({ params, body, ctx }) => {
  try {
    const user = await updateUser({ id: params.id, patch: body }, ctx);
    if (!user) throw new AppError("not_found", "No such user.");
    return user;
  } catch (e) {
    if (e instanceof LastAdminError) throw new AppError("conflict", e.message);
    throw e;
  }
});
