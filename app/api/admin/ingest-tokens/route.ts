import { apiRoute } from "@/lib/http/handler";
import { AppError } from "@/lib/http/errors";
import { createIngestTokenRoute, listIngestTokensRoute } from "@/lib/api/specs/auth";
import { createIngestToken, UnknownEndpointError } from "@/lib/auth/service";
import { listIngestTokens } from "@/lib/auth/repository";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listIngestTokensRoute, async ({ query, ctx }) => ({ tokens: await listIngestTokens({ endpointId: query.endpointId }, ctx) }));

export const POST = apiRoute(createIngestTokenRoute, async ({ body, ctx }) => {
  try {
    return await createIngestToken({ endpointId: body.endpointId, name: body.name ?? null }, ctx);
  } catch (e) {
    if (e instanceof UnknownEndpointError) throw new AppError("not_found", e.message);
    throw e;
  }
});
