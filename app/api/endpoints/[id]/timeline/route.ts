import { apiRoute } from "@/lib/http/handler";
import { endpointTimelineRoute } from "@/lib/api/specs/crashes";
import { getEndpointTimeline } from "@/lib/endpoints/timeline";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(endpointTimelineRoute, ({ params, query, ctx }) => getEndpointTimeline({ endpointId: params.id, from: query.from, to: query.to }, ctx));
