import { apiRoute } from "@/lib/http/handler";
import { AppError } from "@/lib/http/errors";
import { createUserRoute, listUsersRoute } from "@/lib/api/specs/auth";
import { createUser, UserExistsError } from "@/lib/auth/service";
import { listUsers } from "@/lib/auth/repository";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listUsersRoute, async ({ ctx }) => ({ users: await listUsers({}, ctx) }));

export const POST = apiRoute(createUserRoute, async ({ body, ctx }) => {
  try {
    return await createUser({ username: body.username, password: body.password, role: body.role, displayName: body.displayName || null }, ctx);
  } catch (e) {
    if (e instanceof UserExistsError) throw new AppError("conflict", e.message);
    throw e;
  }
});
