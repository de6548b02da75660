import { apiRoute } from "@/lib/http/handler";
import { createSweepRoute, listSweepsRoute } from "@/lib/api/specs/sweeps";
import { createSweep } from "@/lib/sweeps/service";
import { listSweeps } from "@/lib/sweeps/repository";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listSweepsRoute, async ({ query, ctx }) =>
  listSweeps({ limit: query.limit, cursor: query.cursor, endpointId: query.endpointId, state: query.state }, ctx),
);

export const POST = apiRoute(createSweepRoute, async ({ body, ctx }) => createSweep(body, ctx));
