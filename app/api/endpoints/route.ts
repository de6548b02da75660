import { apiRoute } from "@/lib/http/handler";
import { addEndpointRoute, listEndpointsRoute } from "@/lib/api/specs/endpoints";
import { listEndpoints, getEndpoint } from "@/lib/endpoints/repository";
import { addEndpoint } from "@/lib/endpoints/service";
import { recordAudit } from "@/lib/data/audit";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listEndpointsRoute, ({ ctx }) => listEndpoints({}, ctx));

export const POST = apiRoute(addEndpointRoute, async ({ body, principal, ctx }) => {
  const row = await addEndpoint({ id: body.id, displayName: body.displayName ?? null }, ctx);
  await recordAudit({ actor: principal, action: "endpoint.add", targetType: "endpoint", targetId: row.id, detail: { displayName: row.displayName } });
  return { endpoint: (await getEndpoint({ id: row.id }, ctx))! };
});
