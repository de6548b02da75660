import { apiRoute } from "@/lib/http/handler";
import { revokeTokenRoute } from "@/lib/api/specs/auth";
import { revokeApiTokenFor } from "@/lib/auth/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const DELETE = apiRoute(revokeTokenRoute, async ({ params, ctx }) => revokeApiTokenFor({ id: params.id }, ctx));
