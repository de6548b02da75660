import { apiRoute } from "@/lib/http/handler";
import { listSmokeRunsRoute, runSmokeNowRoute } from "@/lib/api/specs/criteria";
import { readSmokeRuns, smokeNow } from "@/lib/criteria/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listSmokeRunsRoute, async ({ query, ctx }) => ({ runs: await readSmokeRuns({ endpointId: query.endpointId, limit: query.limit }, ctx) }));

export const POST = apiRoute(runSmokeNowRoute, async ({ body, ctx }) => smokeNow({ endpointId: body.endpointId }, ctx));
