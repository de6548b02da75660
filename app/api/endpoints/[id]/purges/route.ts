import { apiRoute } from "@/lib/http/handler";
import { listPurgesRoute } from "@/lib/api/specs/damage";
import { listPurges } from "@/lib/damage/purge";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listPurgesRoute, async ({ params, ctx }) => ({ purges: await listPurges({ endpointId: params.id }, ctx) }));
