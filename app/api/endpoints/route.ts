import { apiRoute } from "@/lib/http/handler";
import { addEndpointRoute, listEndpointsRoute } from "@/lib/api/specs/endpoints";
import { listEndpoints, getEndpoint } from "@/lib/endpoints/repository";
import { addEndpoint } from "@/lib/endpoints/service";
import { recordAudit } from "@/lib/data/audit";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listEndpointsRoute, () => listEndpoints());

export const POST = apiRoute(addEndpointRoute, async ({ body, ctx }) => {
  const row = await addEndpoint({ id: body.id, displayName: body.displayName ?? null });
  await recordAudit({ action: "endpoint.add", targetType: "endpoint", targetId: row.id, detail: { displayName: row.displayName } }, ctx);
  return { endpoint: (await getEndpoint(row.id))! };
});
