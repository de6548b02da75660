import { apiRoute } from "@/lib/http/handler";
import { getSmokeSettingsRoute, smokeSettingsRoute } from "@/lib/api/specs/criteria";
import { configureSmoke, readSmokeSettings } from "@/lib/criteria/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(getSmokeSettingsRoute, async ({ query, ctx }) => readSmokeSettings({ endpointId: query.endpointId }, ctx));

export const PUT = apiRoute(smokeSettingsRoute, async ({ body, ctx }) => configureSmoke({ endpointId: body.endpointId, optIn: body.optIn, input: body.input, expect: body.expect }, ctx));
