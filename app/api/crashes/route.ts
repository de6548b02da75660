import { apiRoute } from "@/lib/http/handler";
import { listCrashesRoute } from "@/lib/api/specs/crashes";
import { listCrashes } from "@/lib/incidents/crashes";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listCrashesRoute, ({ query, ctx }) => listCrashes(query, ctx));
