import { apiRoute } from "@/lib/http/handler";
import { addEndpointRoute, listEndpointsRoute } from "@/lib/api/specs/endpoints";
import { listEndpoints, getEndpoint } from "@/lib/endpoints/repository";
import { addEndpoint } from "@/lib/endpoints/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listEndpointsRoute, ({ ctx }) => listEndpoints({}, ctx));

export const POST = apiRoute(addEndpointRoute, async ({ body, ctx }) => {
  const row = await addEndpoint({ id: body.id, displayName: body.displayName ?? null }, ctx);
  return { endpoint: (await getEndpoint({ id: row.id }, ctx))! };
});
