import { apiRoute } from "@/lib/http/handler";
import { overviewRoute } from "@/lib/api/specs/criteria";
import { readOverview } from "@/lib/criteria/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(overviewRoute, async ({ ctx }) => readOverview({}, ctx));
