import { apiRoute } from "@/lib/http/handler";
import { listIncidentsRoute } from "@/lib/api/specs/incidents";
import { listIncidents } from "@/lib/incidents/repository";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listIncidentsRoute, ({ query, ctx }) => listIncidents(query, ctx));
