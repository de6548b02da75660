import { apiRoute } from "@/lib/http/handler";
import { listIncidentsRoute } from "@/lib/api/specs/incidents";
import { listIncidents } from "@/lib/incidents/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listIncidentsRoute, ({ query }) => listIncidents(query));
