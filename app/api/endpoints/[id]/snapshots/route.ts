import { apiRoute } from "@/lib/http/handler";
import { AppError } from "@/lib/http/errors";
import { listSnapshotsRoute } from "@/lib/api/specs/endpoints";
import { endpointExists } from "@/lib/endpoints/repository";
import { listSnapshots } from "@/lib/endpoints/snapshots";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listSnapshotsRoute, async ({ params, query, ctx }) => {
  if (!(await endpointExists({ id: params.id }, ctx))) throw new AppError("not_found", `Endpoint "${params.id}" not found.`);
  return listSnapshots(
    {
      endpointId: params.id,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      points: query.points,
    },
    ctx,
  );
});
