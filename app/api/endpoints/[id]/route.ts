import { apiRoute } from "@/lib/http/handler";
import { AppError } from "@/lib/http/errors";
import { getEndpointRoute, updateEndpointRoute } from "@/lib/api/specs/endpoints";
import { getEndpoint } from "@/lib/endpoints/repository";
import { addEndpoint, setEndpointPaused } from "@/lib/endpoints/service";
import { recordAudit } from "@/lib/data/audit";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const notFound = (id: string) => new AppError("not_found", `Endpoint "${id}" not found.`);

export const GET = apiRoute(getEndpointRoute, async ({ params }) => {
  const endpoint = await getEndpoint(params.id);
  if (!endpoint) throw notFound(params.id);
  return { endpoint };
});

export const PATCH = apiRoute(updateEndpointRoute, async ({ params, body, ctx }) => {
  if (!(await getEndpoint(params.id))) throw notFound(params.id);
  if (body.displayName) await addEndpoint({ id: params.id, displayName: body.displayName });
  if (body.paused !== undefined) await setEndpointPaused(params.id, body.paused);
  await recordAudit({ action: body.paused === undefined ? "endpoint.update" : body.paused ? "endpoint.pause" : "endpoint.resume", targetType: "endpoint", targetId: params.id, detail: body }, ctx);
  return { endpoint: (await getEndpoint(params.id))! };
});
