import { apiRoute } from "@/lib/http/handler";
import { AppError } from "@/lib/http/errors";
import { listWorkersRoute } from "@/lib/api/specs/endpoints";
import { endpointExists } from "@/lib/endpoints/repository";
import { listWorkers } from "@/lib/endpoints/workers-read";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listWorkersRoute, async ({ params, ctx }) => {
  if (!(await endpointExists({ id: params.id }, ctx))) throw new AppError("not_found", `Endpoint "${params.id}" not found.`);
  return listWorkers({ endpointId: params.id }, ctx);
});
