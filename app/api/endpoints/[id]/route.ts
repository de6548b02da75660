import { apiRoute } from "@/lib/http/handler";
import { AppError } from "@/lib/http/errors";
import { getEndpointRoute, updateEndpointRoute } from "@/lib/api/specs/endpoints";
import { getEndpoint } from "@/lib/endpoints/repository";
import { updateEndpoint } from "@/lib/endpoints/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const notFound = (id: string) => new AppError("not_found", `Endpoint "${id}" not found.`);

export const GET = apiRoute(getEndpointRoute, async ({ params, ctx }) => {
  const endpoint = await getEndpoint({ id: params.id }, ctx);
  if (!endpoint) throw notFound(params.id);
  return { endpoint };
});

export const PATCH = apiRoute(updateEndpointRoute, async ({ params, body, ctx }) => {
  await updateEndpoint({ id: params.id, ...body }, ctx);
  return { endpoint: (await getEndpoint({ id: params.id }, ctx))! };
});
