import { apiRoute } from "@/lib/http/handler";
import { getDetectionSettingsRoute, updateDetectionSettingsRoute } from "@/lib/api/specs/incidents";
import { getDetectionSettings } from "@/lib/incidents/repository";
import { updateDetectionSettings } from "@/lib/incidents/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(getDetectionSettingsRoute, async ({ ctx }) => getDetectionSettings({}, ctx));

export const PUT = apiRoute(updateDetectionSettingsRoute, async ({ body, ctx }) => updateDetectionSettings({ changes: body }, ctx));
