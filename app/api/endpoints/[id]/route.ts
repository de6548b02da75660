import { apiRoute } from "@/lib/http/handler";
import { AppError } from "@/lib/http/errors";
import { getEndpointRoute, updateEndpointRoute } from "@/lib/api/specs/endpoints";
import { getEndpoint } from "@/lib/endpoints/repository";
import { addEndpoint, setEndpointPaused } from "@/lib/endpoints/service";
import { recordAudit } from "@/lib/data/audit";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const notFound = (id: string) => new AppError("not_found", `Endpoint "${id}" not found.`);

export const GET = apiRoute(getEndpointRoute, async ({ params, ctx }) => {
  const endpoint = await getEndpoint({ id: params.id }, ctx);
  if (!endpoint) throw notFound(params.id);
  return { endpoint };
});

export const PATCH = apiRoute(updateEndpointRoute, async ({ params, body, principal, ctx }) => {
  if (!(await getEndpoint({ id: params.id }, ctx))) throw notFound(params.id);
  if (body.displayName) await addEndpoint({ id: params.id, displayName: body.displayName }, ctx);
  if (body.paused !== undefined) await setEndpointPaused({ id: params.id, paused: body.paused }, ctx);
  await recordAudit({ actor: principal, action: body.paused === undefined ? "endpoint.update" : body.paused ? "endpoint.pause" : "endpoint.resume", targetType: "endpoint", targetId: params.id, detail: body });
  return { endpoint: (await getEndpoint({ id: params.id }, ctx))! };
});
