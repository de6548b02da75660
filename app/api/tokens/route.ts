import { apiRoute } from "@/lib/http/handler";
import { createTokenRoute, listTokensRoute } from "@/lib/api/specs/auth";
import { createApiTokenFor, listApiTokensFor } from "@/lib/auth/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listTokensRoute, async ({ ctx }) => ({ tokens: (await listApiTokensFor({}, ctx)).tokens }));

export const POST = apiRoute(createTokenRoute, async ({ body, ctx }) => createApiTokenFor({ name: body.name, role: body.role, expiresInDays: body.expiresInDays }, ctx));
