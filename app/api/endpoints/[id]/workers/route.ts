import { apiRoute } from "@/lib/http/handler";
import { AppError } from "@/lib/http/errors";
import { listWorkersRoute } from "@/lib/api/specs/endpoints";
import { endpointExists } from "@/lib/endpoints/repository";
import { listWorkers } from "@/lib/endpoints/workers-read";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listWorkersRoute, async ({ params }) => {
  if (!(await endpointExists(params.id))) throw new AppError("not_found", `Endpoint "${params.id}" not found.`);
  return listWorkers(params.id);
});
