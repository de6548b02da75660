import { apiRoute } from "@/lib/http/handler";
import { createSweepRoute, listSweepsRoute } from "@/lib/api/specs/sweeps";
import { createSweep, listSweeps } from "@/lib/sweeps/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listSweepsRoute, async ({ query }) =>
  listSweeps({ limit: query.limit, cursor: query.cursor, endpointId: query.endpointId, state: query.state }),
);

export const POST = apiRoute(createSweepRoute, async ({ body, principal }) => createSweep(body, principal));
